"""`marts.measure_values`: what must hold before any number reaches the Director, Ofsted or a dashboard
(MEASURES.md, "Data quality on measures"). A Great Expectations suite for the column rules, and a pandera
contract for the rules across rows (whole numbers, the UASC identity, measures from the catalogue), and a warning
when a catalogue measure has no value at all."""

import pandas as pd
import pandera.pandas as pa

PERIOD_TYPES = ["snapshot", "year", "month"]
UNITS = ["count", "percent", "rate_per_10k", "days", "fte"]
# A rate of children looked after outside this range is a broken extract or population, not a real LA.
CLA_RATE_RANGE = (10, 250)
UASC_PARTS = ("cla_uasc_at_date", "cla_excl_uasc_at_date")
KEYS = ["la_code", "period_end", "period_type", "breakdown"]
# A percent whose numerator is not a part of its denominator: a year's leavers over the FTE at the date, which a
# small team can exceed (three leavers from a team of two in post).
PERCENT_BEYOND_100 = "sw_turnover_rate_pct"


def measure_values_expectations() -> list:
    import great_expectations as gx  # slow to import: only when a check runs
    from great_expectations.expectations.row_conditions import Column

    expect = gx.expectations
    parts_of_a_whole = (Column("unit") == "percent") & (Column("measure_id") != PERCENT_BEYOND_100)
    return [
        expect.ExpectTableRowCountToBeBetween(min_value=1),
        *(expect.ExpectColumnValuesToNotBeNull(column=column)
          for column in ("la_code", "measure_id", "period_end", "period_type", "breakdown", "unit")),
        expect.ExpectCompoundColumnsToBeUnique(column_list=["la_code", "measure_id", *KEYS[1:]]),
        expect.ExpectColumnValuesToBeInSet(column="period_type", value_set=PERIOD_TYPES),
        expect.ExpectColumnValuesToBeInSet(column="unit", value_set=UNITS),
        expect.ExpectColumnValuesToBeBetween(
            column="value", min_value=0, max_value=100, row_condition=parts_of_a_whole
        ),
        expect.ExpectColumnValuesToBeBetween(column="value", min_value=0),
        # Only a percent's numerator is a part of its denominator (a caseload's cases outnumber its FTE).
        expect.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="denominator", column_B="numerator", or_equal=True, ignore_row_if="either_value_is_missing",
            row_condition=parts_of_a_whole,
        ),
        expect.ExpectColumnValuesToBeBetween(
            column="value", min_value=CLA_RATE_RANGE[0], max_value=CLA_RATE_RANGE[1],
            row_condition=(Column("measure_id") == "cla_rate_per_10k") & (Column("breakdown") == "all"),
        ),
    ]


def _counts_are_whole(values: pd.DataFrame) -> pd.Series:
    """What is counted (a count's numerator: children, plans, cases) is whole; an average count such as
    cases per social worker may not be."""
    counts = values["unit"] == "count"
    return ~counts | values["numerator"].isna() | (values["numerator"] == values["numerator"].round())


def _uasc_parts_add_up(values: pd.DataFrame) -> bool:
    wide = values[values["measure_id"].isin(("cla_at_date", *UASC_PARTS))].pivot_table(
        index=KEYS, columns="measure_id", values="value", aggfunc="sum"
    )
    if not set(UASC_PARTS) <= set(wide.columns):
        return True
    complete = wide.dropna()
    return bool((complete[list(UASC_PARTS)].sum(axis=1) == complete["cla_at_date"]).all())


def missing_measures(values: pd.DataFrame, catalogue_ids: set[str]) -> list[str]:
    """Catalogue measures with no value at all: a family not loaded, or a model not built."""
    return sorted(catalogue_ids - set(values.loc[values["breakdown"] == "all", "measure_id"]))


def measure_frame_contract(catalogue_ids: set[str]) -> pa.DataFrameSchema:
    """The rules across rows; `catalogue_ids` are the measures the catalogue defines."""
    return pa.DataFrameSchema(
        {
            "measure_id": pa.Column(str, pa.Check.isin(sorted(catalogue_ids), error="measure is in the catalogue")),
            "numerator": pa.Column(float, nullable=True),
            "value": pa.Column(float, nullable=True),
        },
        checks=[
            pa.Check(_counts_are_whole, error="counts are whole numbers"),
            pa.Check(_uasc_parts_add_up, error="cla_uasc_at_date + cla_excl_uasc_at_date = cla_at_date"),
        ],
        strict=False,
        coerce=True,
    )


def broken_measure_rules(values: pd.DataFrame, catalogue_ids: set[str]) -> dict[str, int]:
    """Each broken rule of the contract with the number of rows (or 1 for a whole-table rule) breaking it."""
    try:
        measure_frame_contract(catalogue_ids).validate(values, lazy=True)
        return {}
    except pa.errors.SchemaErrors as errors:
        return errors.failure_cases.groupby("check").size().astype(int).to_dict()


def movements(values: pd.DataFrame, published: pd.DataFrame, small_count: float) -> pd.DataFrame:
    """Each measure series (LA, measure, period type, breakdown) at the latest period both refreshes hold a value
    for, with the factor it moved by since the published refresh: the larger value over the smaller, infinite from
    zero. A series whose numerator is at most `small_count` in both is left out: one child more is no movement."""
    series = ["la_code", "measure_id", "period_type", "breakdown"]
    both = values.merge(published, on=[*series, "period_end"], suffixes=("", "_published"))
    both = both.dropna(subset=["value", "value_published"])
    both = both[both["period_end"] == both.groupby(series)["period_end"].transform("max")]
    small = (both["numerator"] <= small_count) & (both["numerator_published"] <= small_count)
    both = both[~small]
    larger = both[["value", "value_published"]].abs().max(axis=1)
    smaller = both[["value", "value_published"]].abs().min(axis=1)
    factor = (larger / smaller).where(smaller > 0, float("inf")).where(larger > 0, 1.0)
    return both[[*series, "period_end"]].assign(factor=factor)
