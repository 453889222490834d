"""Run a Great Expectations suite on a table read into pandas.

GX cannot validate a DuckDB table through SQLAlchemy, so the table is read with duckdb and the frame is
validated. Results are reduced to counts: GX's own results list unexpected values, which may be identifiers
or personal values and must never reach logs or check metadata.
"""

import os
from dataclasses import dataclass

import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str
    success: bool
    unexpected_count: int | None
    observed: str | None

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        if self.unexpected_count is not None:
            return f"{self.expectation}{where}: {self.unexpected_count} row(s) unexpected"
        return f"{self.expectation}{where}: observed {self.observed}"


def validate_frame(frame: pd.DataFrame, suite_name: str, expectations: list) -> list[ExpectationOutcome]:
    """Validate `frame` against the expectations; one outcome per expectation, counts only."""
    import great_expectations as gx  # imported here: it takes seconds, and only checks need it

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
            )
        )
    return outcomes


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
