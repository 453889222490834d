"""Great Expectations suites on the marts, run as blocking asset checks before publish."""

from datetime import date

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from expectations.cla import fct_cla_episodes_expectations
from expectations.measures import broken_measure_rules, measure_values_expectations, missing_measures
from expectations.runner import validate_frame
from orchestration.dbt import warehouse_models
from orchestration.resources import Warehouse


@dg.asset_check(
    asset=get_asset_key_for_model([warehouse_models], "fct_cla_episodes"),
    name="great_expectations_suite",
    blocking=True,
)
def fct_cla_episodes_suite(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Are tonight's episodes of care fit to publish? Runs the Great Expectations suite on
    `marts.fct_cla_episodes` (keys, code lists, plausible and ordered dates, not empty, row count close to the
    last publish); a failure blocks publish, so last night's children-looked-after figures stay in place."""
    frame = warehouse.read_candidate_table("marts.fct_cla_episodes")
    expectations = fct_cla_episodes_expectations(
        date.today(), warehouse.published_row_count("marts.fct_cla_episodes"), warehouse.max_row_count_change_percent
    )
    outcomes = validate_frame(frame, "fct_cla_episodes", expectations)
    failed = [outcome.describe() for outcome in outcomes if not outcome.success]
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"rows": len(frame), "expectations": len(outcomes), "failed": failed},
    )


MEASURE_VALUES = get_asset_key_for_model([warehouse_models], "measure_values")


@dg.asset_check(asset=MEASURE_VALUES, name="great_expectations_suite", blocking=True)
def measure_values_suite(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Are tonight's measures plausible enough to publish? Keys present and unique, units and period types
    known, percents within 0-100, no negative values, numerators within denominators, and the rate of children
    looked after between 10 and 250 per 10,000."""
    frame = warehouse.read_candidate_table("marts.measure_values")
    outcomes = validate_frame(frame, "measure_values", measure_values_expectations())
    failed = [outcome.describe() for outcome in outcomes if not outcome.success]
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"rows": len(frame), "expectations": len(outcomes), "failed": failed},
    )


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
        metadata={"rows": len(frame), "failed": [f"{rule}: {rows} row(s)" for rule, rows in broken.items()]},
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
