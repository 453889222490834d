"""Run a Great Expectations suite on a table read into pandas, and the rules every mart's suite is made of.

GX cannot validate a DuckDB table through SQLAlchemy, so the table is read with duckdb and the frame is
validated. Results are reduced to counts: GX's own results list unexpected values, which may be identifiers
or personal values and must never reach logs or check metadata.

An expectation made with `severity="warning"` reports without blocking publish; every other one blocks.
"""

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

import pandas as pd

from sources.code_lists import codes

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

# A date before this in a children's services record is a typing error or a placeholder, not an event.
EARLIEST_PLAUSIBLE_DATE = datetime(1990, 1, 1)


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str
    success: bool
    unexpected_count: int | None
    observed: str | None
    is_warning: bool = False

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        kind = " (warning)" if self.is_warning else ""
        if self.unexpected_count is not None:
            return f"{self.expectation}{where}: {self.unexpected_count} row(s) unexpected{kind}"
        return f"{self.expectation}{where}: observed {self.observed}{kind}"


def import_great_expectations() -> None:
    """Import Great Expectations ahead of the first suite (2 s): the refresh does it while dbt's own process starts,
    with the other core otherwise idle."""
    import great_expectations  # noqa: F401
    from great_expectations.execution_engine import pandas_execution_engine  # noqa: F401


def validate_frame(frame: pd.DataFrame, suite_name: str, expectations: list) -> list[ExpectationOutcome]:
    """Validate `frame` against the expectations; one outcome per expectation, counts only."""
    import great_expectations as gx  # imported here: it takes seconds, and only checks need it
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every frame under 1 GB by hashing all its values, twice a validation (8 s for CCIS at large);
    # the fingerprint is batch metadata this project never reads.
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    batch = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset(suite_name)
        .add_batch_definition_whole_dataframe("whole_table")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = gx.ExpectationSuite(name=suite_name, expectations=expectations)
    validation = batch.validate(suite, result_format="BASIC")
    outcomes = []
    for result in validation.results:
        config = result.expectation_config
        kwargs = config.kwargs
        column = kwargs.get("column") or "/".join(str(kwargs[k]) for k in ("column_A", "column_B") if k in kwargs)
        unexpected = result.result.get("unexpected_count")
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=column,
                success=bool(result.success),
                unexpected_count=None if unexpected is None else int(unexpected),
                observed=None if unexpected is not None else str(result.result.get("observed_value")),
                is_warning=config.severity.value == "warning",
            )
        )
    return outcomes


def holds_row_by_row(expectation) -> bool:
    """Whether the expectation is about each row on its own (a value in range, a pair of dates in order), so that
    the table can be validated a slice of rows at a time: not a uniqueness or a row count, which need every row."""
    import great_expectations as gx
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )

    about_each_row = (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation)
    across_rows = (gx.expectations.ExpectColumnValuesToBeUnique, gx.expectations.ExpectCompoundColumnsToBeUnique)
    return isinstance(expectation, about_each_row) and not isinstance(expectation, across_rows) and expectation.mostly == 1


def succeeds_on_hashed_text(expectation) -> bool:
    """Whether the expectation succeeding on text columns read as hashes of their values means it succeeds on the
    text: a key unique (equal values have equal hashes) or a row count, and no row condition; not a value's own
    test (a hash is never missing, and never in a code list)."""
    import great_expectations as gx

    hash_safe = (gx.expectations.ExpectColumnValuesToBeUnique, gx.expectations.ExpectCompoundColumnsToBeUnique,
                 gx.expectations.ExpectTableRowCountToBeBetween, gx.expectations.ExpectTableRowCountToEqual)
    return isinstance(expectation, hash_safe) and not getattr(expectation, "row_condition", None)


def validate_slices(slices: Iterable[pd.DataFrame], suite_name: str, expectations: list) -> tuple[int, list[ExpectationOutcome]]:
    """The rows validated, and one outcome per expectation about each row, over every slice of a table's rows: it
    succeeds when it succeeds on every slice, and its unexpected rows are those of all the slices."""
    rows, outcomes = 0, []
    for frame in slices:
        rows += len(frame)
        sliced = validate_frame(frame, suite_name, expectations)
        outcomes = sliced if not outcomes else [
            replace(outcome, success=outcome.success and more.success,
                    unexpected_count=outcome.unexpected_count + more.unexpected_count)
            for outcome, more in zip(outcomes, sliced)
        ]
    return rows, outcomes


def columns_named(expectations: list) -> list[str] | None:
    """The columns the expectations read (their own and their row conditions'), in first-named order, so a suite
    reads only those; None (every column) when a row condition is a pandas query, whose columns are not known."""
    from great_expectations.expectations.row_conditions import Column, Condition, PassThroughCondition

    named: dict[str, None] = {}

    def collect(condition) -> bool:
        """Add the columns a row condition names; False if it is a pandas query, whose columns are not known."""
        if isinstance(condition, str | PassThroughCondition):
            return False
        if isinstance(condition, Column):
            named[condition.name] = None
        elif isinstance(condition, Condition):
            parts = vars(condition).values()
            return all(collect(part) for part in parts if isinstance(part, Column | Condition | list))
        elif isinstance(condition, list):
            return all(collect(part) for part in condition)
        return True

    for expectation in expectations:
        for field in ("column", "column_A", "column_B"):
            if getattr(expectation, field, None):
                named[getattr(expectation, field)] = None
        named.update(dict.fromkeys(getattr(expectation, "column_list", None) or []))
        if getattr(expectation, "row_condition", None) and not collect(expectation.row_condition):
            return None
    return list(named)


def row_count_against_published(expect, published_rows: int | None, max_change_percent: float) -> list:
    """The table's row count within the allowed change of the last published refresh (none before the first):
    a truncated extract is valid row by row, and still wrong."""
    if not published_rows:
        return []
    change = max_change_percent / 100
    return [
        expect.ExpectTableRowCountToBeBetween(
            min_value=int(published_rows * (1 - change)), max_value=int(published_rows * (1 + change)) + 1
        )
    ]


def keys_present_and_unique(expect, *columns: str) -> list:
    """Every row has its key, and no two rows share it: a duplicated key counts a child, plan or month twice."""
    if len(columns) == 1:
        unique = expect.ExpectColumnValuesToBeUnique(column=columns[0])
    else:
        unique = expect.ExpectCompoundColumnsToBeUnique(column_list=list(columns))
    return [*(expect.ExpectColumnValuesToNotBeNull(column=column) for column in columns), unique]


def in_code_list(expect, column: str, list_name: str):
    """The column's codes are in the code list (`dbt_project/seeds/code_lists.csv`, every year's codes)."""
    return expect.ExpectColumnValuesToBeInSet(column=column, value_set=sorted(codes(list_name)))


def dates_plausible(expect, latest: date, *columns: str) -> list:
    """Each date no earlier than 1990 and no later than the date the extracts describe."""
    return [
        expect.ExpectColumnValuesToBeBetween(
            column=column, min_value=EARLIEST_PLAUSIBLE_DATE, max_value=datetime.combine(latest, datetime.min.time())
        )
        for column in columns
    ]


def flagged_within(expect, duration: str, limit: int, flag: str) -> list:
    """A duration is never negative, and a record flagged as within its time limit took no longer than it: the
    flag behind a timeliness percent agrees with the duration it was worked from."""
    from great_expectations.expectations.row_conditions import Column

    return [
        expect.ExpectColumnValuesToBeBetween(column=duration, min_value=0),
        expect.ExpectColumnValuesToBeBetween(column=duration, max_value=limit, row_condition=Column(flag) == True),
    ]


def not_before(expect, later: str, earlier: str):
    """`later` is on or after `earlier` wherever both are known (an end on or after its start)."""
    return expect.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=later, column_B=earlier, or_equal=True, ignore_row_if="either_value_is_missing"
    )
