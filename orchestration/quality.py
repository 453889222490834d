"""Great Expectations suites on the marts and the measures, and the measures' movement since the last publish, run
as asset checks before publish. A blocking failure (severity ERROR) keeps the last published warehouse in place;
a warning is reported in the gate report and publish goes ahead."""

import inspect
from collections.abc import Callable
from datetime import date

import dagster as dg
import pandas as pd
from dagster_dbt import get_asset_key_for_model

from expectations import cin, cla, neet, send, workforce
from expectations.measures import (
    broken_measure_rules,
    measure_values_expectations,
    missing_measures,
    movements,
)
from expectations.runner import (
    ExpectationOutcome,
    columns_named,
    holds_row_by_row,
    row_count_against_published,
    succeeds_on_hashed_text,
    validate_frame,
    validate_slices,
)
from orchestration.dbt import warehouse_models
from orchestration.resources import Extracts, Warehouse

# Each mart's suite, and whether the mart is its group's main fact: a truncated or half-exported extract shows
# first as its main fact shrinking, so that table's row count is held to the last publish.
MART_SUITES: dict[str, tuple[Callable[[date], list], bool]] = {
    "fct_referrals": (cin.fct_referrals_expectations, True),
    "fct_assessments": (cin.fct_assessments_expectations, False),
    "fct_s47_enquiries": (cin.fct_s47_enquiries_expectations, False),
    "fct_cin_plans": (cin.fct_cin_plans_expectations, False),
    "fct_cp_plans": (cin.fct_cp_plans_expectations, True),
    "fct_cla_episodes": (cla.fct_cla_episodes_expectations, True),
    "fct_cla_periods": (cla.fct_cla_periods_expectations, False),
    "fct_placements": (cla.fct_placements_expectations, False),
    "fct_care_leaver_outcomes": (cla.fct_care_leaver_outcomes_expectations, True),
    "fct_ehcp_requests": (send.fct_ehcp_requests_expectations, True),
    "fct_neet_monthly": (neet.fct_neet_monthly_expectations, True),
    "fct_workforce_monthly": (workforce.fct_workforce_monthly_expectations, True),
}
# The movements named in a check's result; the count of all of them is beside the list.
MOVEMENTS_LISTED = 20


def suite_result(rows: int, outcomes: list[ExpectationOutcome]) -> dg.AssetCheckResult:
    """A warning (WARN) when every failed expectation is a warning, else blocking (ERROR); counts and expectation
    names only."""
    failed = [outcome for outcome in outcomes if not outcome.success]
    only_warnings = bool(failed) and all(outcome.is_warning for outcome in failed)
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.WARN if only_warnings else dg.AssetCheckSeverity.ERROR,
        metadata={
            "rows": rows,
            "expectations": len(outcomes),
            "failed": [outcome.describe() for outcome in failed],
            # Summed over the failed expectations: a row breaking two of them counts twice.
            "failing_rows": sum(outcome.unexpected_count or 0 for outcome in failed),
        },
    )


def mart_suite_check(model: str, expectations_for: Callable[[date], list], holds_row_count: bool):
    """The `great_expectations_suite` check of one mart, described by its suite's docstring."""
    row_count = " Its row count stays within the configured change of the last publish." if holds_row_count else ""

    @dg.asset_check(
        asset=get_asset_key_for_model([warehouse_models], model),
        name="great_expectations_suite",
        blocking=True,
        description=f"Is tonight's `marts.{model}` fit to publish? {inspect.cleandoc(expectations_for.__doc__)}"
                    f"{row_count} A blocking failure keeps the last published warehouse in place.",
    )
    def mart_suite(warehouse: Warehouse, extracts: Extracts) -> dg.AssetCheckResult:
        import great_expectations as gx  # slow to import: only when a check runs

        table = f"marts.{model}"
        expectations = expectations_for(extracts.check_settings().extract_date)
        if holds_row_count:
            expectations += row_count_against_published(
                gx.expectations, warehouse.published_row_count(table), warehouse.max_row_count_change_percent
            )
        return validated(warehouse, table, model, expectations)

    return mart_suite


def validated(warehouse: Warehouse, table: str, suite_name: str, expectations: list) -> dg.AssetCheckResult:
    """The suite's result on the candidate table. Each expectation that needs every row (a key unique) is validated
    on its own columns, read whole, so one key at a time is in memory, and first, while the process holds least; a
    row count names no column and goes with the first key. The expectations about each row are then validated a
    slice of rows at a time. A regional pool's NEET mart read whole with every named column took 10 GB."""
    about_each_row = [expectation for expectation in expectations if holds_row_by_row(expectation)]
    across_rows = [expectation for expectation in expectations if not holds_row_by_row(expectation)]
    groups = [[expectation] for expectation in across_rows if columns_named([expectation]) != []]
    if across_rows and not groups:
        groups = [[]]
    if groups:
        groups[0] += [expectation for expectation in across_rows if columns_named([expectation]) == []]
    validated_in_order, outcomes, rows = [], [], 0
    for group in groups:
        rows, group_outcomes = _validated_whole(warehouse, table, suite_name, group)
        validated_in_order, outcomes = validated_in_order + group, outcomes + group_outcomes
    if about_each_row:
        rows, sliced_outcomes = validate_slices(
            warehouse.read_candidate_slices(table, columns_named(about_each_row)), suite_name, about_each_row
        )
        validated_in_order, outcomes = validated_in_order + about_each_row, outcomes + sliced_outcomes
    outcome_of = {id(expectation): outcome for expectation, outcome in zip(validated_in_order, outcomes)}
    return suite_result(rows, [outcome_of[id(expectation)] for expectation in expectations])


def _validated_whole(warehouse: Warehouse, table: str, suite_name: str, expectations: list) -> tuple[int, list[ExpectationOutcome]]:
    """The rows and the outcomes of expectations validated on the table read whole (let go on return).

    A key is first checked on a hash of its text: as text, pandas took 3.6 GB to check a regional pool's 21.5
    million CCIS snapshot ids. Unique hashes mean a unique key; where they are not, the key is checked again as
    text, so the count of repeated rows is exact (a hash can repeat where the values do not)."""
    columns = columns_named(expectations)
    if all(succeeds_on_hashed_text(expectation) for expectation in expectations):
        frame = warehouse.read_candidate_table(table, columns, text_as_hashes=True)
        outcomes = validate_frame(frame, suite_name, expectations)
        if all(outcome.success for outcome in outcomes):
            return len(frame), outcomes
        del frame
    frame = warehouse.read_candidate_table(table, columns)
    return len(frame), validate_frame(frame, suite_name, expectations)


MART_SUITE_CHECKS = {model: mart_suite_check(model, *suite) for model, suite in MART_SUITES.items()}

MEASURE_VALUES = get_asset_key_for_model([warehouse_models], "measure_values")


@dg.asset_check(asset=MEASURE_VALUES, name="great_expectations_suite", blocking=True)
def measure_values_suite(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Are tonight's measures plausible enough to publish? Keys present and unique, units and period types
    known, percents within 0-100, no negative values, numerators within denominators, and the rate of children
    looked after between 10 and 250 per 10,000."""
    expectations = measure_values_expectations()
    return validated(warehouse, "marts.measure_values", "measure_values", expectations)


@dg.asset_check(asset=MEASURE_VALUES, name="pandera_contract", blocking=True)
def measure_values_contract(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Do the measures hang together? Counts are whole numbers, every measure is one the catalogue defines,
    and children looked after split exactly into UASC and the rest (MEASURES.md identity)."""
    frame = warehouse.read_candidate_table("marts.measure_values")
    catalogue = set(warehouse.read_candidate_table("marts.measure_catalogue")["measure_id"])
    broken = broken_measure_rules(frame, catalogue)
    return dg.AssetCheckResult(
        passed=not broken,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"rows": len(frame), "failed": [f"{rule}: {rows} row(s)" for rule, rows in broken.items()],
                  "failing_rows": sum(broken.values())},
    )


@dg.asset_check(asset=MEASURE_VALUES, name="catalogue_coverage")
def measure_values_coverage(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Does every measure in the catalogue have values? A gap means an extract family was not loaded or a
    model is missing: reported, not blocking, so the measures that are there still publish."""
    frame = warehouse.read_candidate_table("marts.measure_values")
    catalogue = set(warehouse.read_candidate_table("marts.measure_catalogue")["measure_id"])
    missing = missing_measures(frame, catalogue)
    return dg.AssetCheckResult(
        passed=not missing,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"measures": len(catalogue), "missing": missing},
    )


@dg.asset_check(asset=MEASURE_VALUES, name="movement_since_last_publish", blocking=True)
def measure_values_movement(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Has a measure jumped since last night's publish? Each measure's latest value is compared with the
    published value for the same LA, period and breakdown: a move beyond `movement_warn_factor` is a warning,
    beyond `movement_block_factor` it blocks publish (a number that triples overnight is a broken extract far more
    often than a real change). The first publish has nothing to compare with, and passes."""
    published = warehouse.read_published_table("marts.measure_values")
    if published is None:
        return dg.AssetCheckResult(passed=True, metadata={"compared": 0})
    moved = movements(warehouse.read_candidate_table("marts.measure_values"), published,
                      warehouse.movement_small_count)
    over_warning = moved[moved["factor"] > warehouse.movement_warn_factor].sort_values("factor", ascending=False)
    only_warnings = not over_warning.empty and not (over_warning["factor"] > warehouse.movement_block_factor).any()
    return dg.AssetCheckResult(
        passed=over_warning.empty,
        severity=dg.AssetCheckSeverity.WARN if only_warnings else dg.AssetCheckSeverity.ERROR,
        metadata={
            "compared": len(moved),
            "warn_factor": warehouse.movement_warn_factor,
            "block_factor": warehouse.movement_block_factor,
            "failing_rows": len(over_warning),
            "failed": [_movement(row, warehouse.movement_block_factor)
                       for row in over_warning.head(MOVEMENTS_LISTED).itertuples()],
        },
    )


def _movement(row, block_factor: float) -> str:
    """A measure's movement in words: which series and by what factor, not its values."""
    verdict = "blocks" if row.factor > block_factor else "warning"
    return (f"{row.la_code} {row.measure_id} {row.breakdown} {row.period_type} "
            f"{pd.Timestamp(row.period_end):%Y-%m-%d}: moved x{row.factor:.1f} ({verdict})")
