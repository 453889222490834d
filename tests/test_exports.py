"""Small-number suppression of the published exports, on hand-made frames: primary suppression of counts 1-5,
percentages and rates that inherit it, and secondary suppression so that no hidden count can be recovered by
subtraction from a total in the same export."""

from datetime import date

import duckdb
import pandas as pd

from orchestration.exports import (
    ADDITIVE_SPLITS,
    SUPPRESSED,
    Exports,
    as_csv_cells,
    suppressed_benchmarks,
    suppressed_measure_values,
)
from orchestration.resources import Warehouse

MARCH = date(2025, 3, 31)


def row(measure_id, numerator, denominator, value, unit="count", breakdown="all", period_end=MARCH):
    return {"la_code": "838", "measure_id": measure_id, "period_end": period_end, "period_type": "snapshot",
            "breakdown": breakdown, "numerator": numerator, "denominator": denominator, "value": value, "unit": unit,
            "is_suppressed": False}


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def hidden(published: pd.DataFrame) -> set[tuple[str, str]]:
    return set(published.loc[published["is_suppressed"], ["measure_id", "breakdown"]].itertuples(index=False, name=None))


def test_counts_of_one_to_five_are_hidden_and_zero_and_six_shown():
    published = suppressed_measure_values(frame(
        row("cp_starts", 0, None, 0), row("icpcs", 1, None, 1), row("s47_enquiries", 5, None, 5),
        row("referrals", 6, None, 6),
    ), at_most=5)
    assert hidden(published) == {("icpcs", "all"), ("s47_enquiries", "all")}
    assert published.loc[published["is_suppressed"], ["numerator", "value"]].isna().all().all()


def test_threshold_is_configurable():
    measures = frame(row("referrals", 6, None, 6), row("icpcs", 9, None, 9))
    assert hidden(suppressed_measure_values(measures, at_most=8)) == {("referrals", "all")}


def test_percentages_and_rates_with_a_small_numerator_or_denominator_are_hidden():
    published = suppressed_measure_values(frame(
        row("icpc_15wd_pct", 3, 40, 7.5, unit="percent"),
        row("cp_repeat_pct", 4, 4, 100.0, unit="percent"),
        row("cp_rate_per_10k", 2, 60000, 0.33, unit="rate_per_10k"),
        row("assessments_45wd_pct", 80, 100, 80.0, unit="percent"),
        row("rereferrals_12m_pct", 0, 50, 0.0, unit="percent"),
    ), at_most=5)
    assert hidden(published) == {("icpc_15wd_pct", "all"), ("cp_repeat_pct", "all"), ("cp_rate_per_10k", "all")}


def test_staff_fte_is_not_a_small_count_of_children():
    published = suppressed_measure_values(frame(row("sw_agency_fte", None, None, 3.5, unit="fte")), at_most=5)
    assert hidden(published) == set()


def test_uasc_split_hides_the_other_part_when_one_is_hidden():
    published = suppressed_measure_values(frame(
        row("cla_at_date", 120, None, 120), row("cla_uasc_at_date", 4, None, 4),
        row("cla_excl_uasc_at_date", 116, None, 116),
    ), at_most=5)
    assert hidden(published) == {("cla_uasc_at_date", "all"), ("cla_excl_uasc_at_date", "all")}


def test_lone_hidden_breakdown_category_takes_the_smallest_other_with_it():
    published = suppressed_measure_values(frame(
        row("cla_at_date", 120, None, 120),
        row("cla_at_date", 3, None, 3, breakdown="age_band=under 1"),
        row("cla_at_date", 20, None, 20, breakdown="age_band=1-4"),
        row("cla_at_date", 97, None, 97, breakdown="age_band=5-17"),
        row("cla_at_date", 60, None, 60, breakdown="sex=female"),
        row("cla_at_date", 60, None, 60, breakdown="sex=male"),
    ), at_most=5)
    assert hidden(published) == {("cla_at_date", "age_band=under 1"), ("cla_at_date", "age_band=1-4")}


def recoverable_cells(published: pd.DataFrame) -> list[str]:
    """Hidden counts that a reader could work out as a shown total minus the shown parts."""
    found = []
    cells = published.set_index(["period_end", "breakdown", "measure_id"])
    for part, other, total in ADDITIVE_SPLITS:
        for (period_end, breakdown), group in published.groupby(["period_end", "breakdown"]):
            present = group.set_index("measure_id")
            if {part, other, total} <= set(present.index) and not present.loc[total, "is_suppressed"]:
                if present.loc[[part, other], "is_suppressed"].sum() == 1:
                    found.append(f"{period_end} {breakdown} {part}/{other}")
    counts = published[(published["unit"] == "count") & published["breakdown"].str.contains("=")]
    for (period_end, measure_id, dimension), group in counts.groupby(
            [counts["period_end"], counts["measure_id"], counts["breakdown"].str.split("=").str[0]]):
        total_hidden = cells.loc[(period_end, "all", measure_id), "is_suppressed"]
        if not total_hidden and group["is_suppressed"].sum() == 1:
            found.append(f"{period_end} {measure_id} {dimension}")
    return found


def test_no_hidden_count_can_be_recovered_by_subtraction_over_an_export():
    measures = frame(
        row("cla_at_date", 120, None, 120), row("cla_uasc_at_date", 2, None, 2),
        row("cla_excl_uasc_at_date", 118, None, 118),
        row("cla_at_date", 50, None, 50, period_end=date(2025, 2, 28)),
        row("cla_uasc_at_date", 44, None, 44, period_end=date(2025, 2, 28)),
        row("cla_excl_uasc_at_date", 6, None, 6, period_end=date(2025, 2, 28)),
        row("cla_uasc_at_date", 1, None, 1, breakdown="sex=female"),
        row("cla_uasc_at_date", 1, None, 1, breakdown="sex=male"),
        row("cla_excl_uasc_at_date", 58, None, 58, breakdown="sex=female"),
        row("cla_excl_uasc_at_date", 60, None, 60, breakdown="sex=male"),
        row("cla_at_date", 59, None, 59, breakdown="sex=female"),
        row("cla_at_date", 61, None, 61, breakdown="sex=male"),
    )
    unprotected = measures.assign(is_suppressed=(measures["value"] <= 5))
    assert recoverable_cells(unprotected), "the check must be able to find a recoverable cell"
    published = suppressed_measure_values(measures, at_most=5)
    assert recoverable_cells(published) == []
    # February's split (44 and 6) is above the threshold and stays shown; March's parts and their sex rows go.
    assert hidden(published) == {
        ("cla_uasc_at_date", "all"), ("cla_excl_uasc_at_date", "all"),
        ("cla_uasc_at_date", "sex=female"), ("cla_uasc_at_date", "sex=male"),
        ("cla_excl_uasc_at_date", "sex=female"), ("cla_excl_uasc_at_date", "sex=male"),
    }


def test_csv_shows_c_and_benchmarks_hide_the_la_value_where_measures_do():
    published = suppressed_measure_values(frame(
        row("icpcs", 3, None, 3), row("referrals", 600, None, 600)), at_most=5)
    csv = as_csv_cells(published, "is_suppressed", ["numerator", "denominator", "value"])
    assert list(csv.loc[0, ["numerator", "denominator", "value"]]) == [SUPPRESSED] * 3
    assert "is_suppressed" not in csv.columns
    benchmarks = pd.DataFrame([
        {"la_code": "838", "measure_id": "icpcs", "year_end": MARCH, "la_value": 3.0, "england_value": 80000.0},
        {"la_code": "838", "measure_id": "referrals", "year_end": MARCH, "la_value": 600.0, "england_value": 5.0},
    ])
    shown = suppressed_benchmarks(benchmarks, published)
    assert shown["is_la_value_suppressed"].tolist() == [True, False]
    assert pd.isna(shown.loc[0, "la_value"]) and shown.loc[1, "england_value"] == 5.0


def test_write_puts_aggregates_beside_internal_row_level_marts(tmp_path):
    warehouse = Warehouse(published_path=str(tmp_path / "csdw.duckdb"))
    measures = frame(row("icpcs", 3, None, 3), row("referrals", 600, None, 600))
    with duckdb.connect(str(warehouse.published)) as connection:
        connection.execute("create schema marts")
        connection.register("measures", measures)
        connection.execute("create table marts.measure_values as select * from measures")
        connection.execute("create table marts.measure_catalogue as select 'icpcs' as measure_id")
        connection.execute("create table marts.measure_benchmarks as select '838' as la_code, 'icpcs' as measure_id, "
                           "date '2025-03-31' as year_end, 3.0 as la_value")
        connection.execute("create table marts.fct_cp_plans as select 'hash' as child_id")
    folder = Exports(suppress_at_most=5).write(warehouse)
    assert sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.*")) == [
        "README.txt", "internal/fct_cp_plans.parquet", "measure_benchmarks.csv", "measure_benchmarks.parquet",
        "measure_catalogue.parquet", "measure_values.csv", "measure_values.parquet",
    ]
    csv = pd.read_csv(folder / "measure_values.csv", dtype=str)
    assert csv.set_index("measure_id").loc["icpcs", "value"] == SUPPRESSED
    assert pd.read_csv(folder / "measure_benchmarks.csv", dtype=str).loc[0, "la_value"] == SUPPRESSED
