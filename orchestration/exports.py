"""Curated exports beside the published warehouse, written on each successful publish.

`exports/` holds two kinds of file, kept apart because they may go to different people:

- publishable aggregates, with small-number suppression: `measure_values.csv`, `measure_benchmarks.csv` (counts
  shown as `c`) and the same tables as Parquet (suppressed numbers null, `is_suppressed` true), plus
  `measure_catalogue.parquet`;
- `internal/`: every other mart (`fct_*`, `dim_*`) as Parquet. These are row-level, pseudonymised records (no
  names, hashed identifiers) for the LA's own analysts; they are not suppressed and must not be published.

Suppression (DfE practice): a count from 1 to `suppress_at_most` is hidden; a percentage or rate is hidden when
its numerator or denominator is; and secondary suppression hides a second cell wherever one hidden count could be
recovered by subtraction from a total in the same export: the UASC split of children looked after, and the
categories of each breakdown (sex, age band, ...) against the measure's `all` row.
"""

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd

from orchestration.resources import Warehouse

SUPPRESSED = "c"
# Measures that add up to another measure of the same period: (part, other part, total).
ADDITIVE_SPLITS = [("cla_uasc_at_date", "cla_excl_uasc_at_date", "cla_at_date")]
# FTE and days describe staff time and durations, not how many children: they are not small counts of people.
UNSUPPRESSED_UNITS = {"fte", "days"}
PUBLISHABLE = ("measure_values", "measure_benchmarks", "measure_catalogue")
CELL_KEYS = ["la_code", "period_end", "period_type"]
README = """\
Exports of the children's services data warehouse, rewritten on every successful publish.

Publishable (small numbers suppressed: counts of 1 to {at_most} shown as `c` in CSV and null with
is_suppressed = true in Parquet; a percentage or rate whose numerator or denominator is suppressed is suppressed
too; a second cell is suppressed where a hidden count could be recovered by subtraction from a total):
  measure_values.csv, measure_values.parquet, measure_benchmarks.csv, measure_benchmarks.parquet,
  measure_catalogue.parquet

internal/: every fact and dimension mart as Parquet. Row-level, pseudonymised children's records (no names,
hashed identifiers), not suppressed. For the LA's own analysts only: never publish or share these files.
"""


def is_small(values: pd.Series, at_most: int) -> pd.Series:
    """Which of these counts are small enough to identify a child (1 to `at_most`; zero is safe to show)?"""
    return values.notna() & (values > 0) & (values <= at_most)


def suppression_mask(measures: pd.DataFrame, at_most: int) -> pd.Series:
    """Which rows of measure_values must not be shown, after primary and secondary suppression?"""
    counted = ~measures["unit"].isin(UNSUPPRESSED_UNITS)
    small = is_small(measures["numerator"], at_most) | is_small(measures["denominator"], at_most)
    small |= (measures["unit"] == "count") & is_small(measures["value"], at_most)
    hidden = counted & small
    # Hiding a partner can leave a breakdown category alone, and the other way round: repeat until nothing changes.
    while True:
        widened = hidden | _split_partners(measures, hidden) | _breakdown_complements(measures, hidden)
        if widened.equals(hidden):
            return hidden
        hidden = widened


def _split_partners(measures: pd.DataFrame, hidden: pd.Series) -> pd.Series:
    """Which parts of an additive split must be hidden because the other part is (total - part = other part)?"""
    partners = pd.Series(False, index=measures.index)
    keys = CELL_KEYS + ["breakdown"]
    for part, other, _total in ADDITIVE_SPLITS:
        for shown, paired in ((part, other), (other, part)):
            hidden_cells = measures.loc[hidden & (measures["measure_id"] == shown), keys].drop_duplicates()
            cells = measures[keys].merge(hidden_cells, how="left", indicator=True)["_merge"].eq("both")
            partners |= cells.set_axis(measures.index) & (measures["measure_id"] == paired)
    return partners


def _breakdown_complements(measures: pd.DataFrame, hidden: pd.Series) -> pd.Series:
    """Which breakdown categories must also be hidden so that a lone hidden category is not `all` minus the rest?

    Where exactly one category of a breakdown (e.g. `sex=...`) is hidden for a count measure, the smallest other
    category of that breakdown is hidden too, as DfE does for its published tables."""
    extra = pd.Series(False, index=measures.index)
    categories = measures[(measures["unit"] == "count") & measures["breakdown"].str.contains("=", regex=False)]
    dimension = categories["breakdown"].str.split("=", n=1).str[0]
    breakdown = categories.groupby([*(categories[key] for key in CELL_KEYS), categories["measure_id"], dimension],
                                   dropna=False).ngroup()
    category_hidden = hidden.loc[categories.index]
    by_breakdown = category_hidden.groupby(breakdown)
    lone = by_breakdown.transform("sum").eq(1) & by_breakdown.transform("size").gt(1)
    shown_beside_lone = categories.loc[lone & ~category_hidden, "value"].fillna(0)
    extra.loc[shown_beside_lone.groupby(breakdown.loc[shown_beside_lone.index]).idxmin()] = True
    return extra


def suppressed_measure_values(measures: pd.DataFrame, at_most: int) -> pd.DataFrame:
    """measure_values as it may be published: hidden numbers null and `is_suppressed` true."""
    hidden = suppression_mask(measures, at_most)
    published = measures.copy()
    published[["numerator", "denominator", "value"]] = published[["numerator", "denominator", "value"]].mask(
        hidden, None)
    published["is_suppressed"] = hidden
    return published


def suppressed_benchmarks(benchmarks: pd.DataFrame, published_measures: pd.DataFrame) -> pd.DataFrame:
    """measure_benchmarks as it may be published: the LA's own value hidden wherever measure_values hides it.

    England, region and statistical-neighbour values, and the LA's figure DfE itself published, are public."""
    hidden_cells = published_measures.loc[
        published_measures["is_suppressed"] & (published_measures["breakdown"] == "all"),
        ["la_code", "measure_id", "period_end"],
    ].drop_duplicates().rename(columns={"period_end": "year_end"})
    matched = benchmarks.merge(hidden_cells, how="left", on=["la_code", "measure_id", "year_end"], indicator=True)
    hidden = matched["_merge"].eq("both").set_axis(benchmarks.index)
    published = benchmarks.copy()
    published["la_value"] = published["la_value"].mask(hidden, None)
    published["is_la_value_suppressed"] = hidden
    return published


def as_csv_cells(frame: pd.DataFrame, flag: str, columns: list[str]) -> pd.DataFrame:
    """The frame for CSV: hidden numbers written as `c`, the flag column dropped (the `c` says it)."""
    shown = frame.drop(columns=[flag])
    for column in columns:
        shown[column] = frame[column].map(_cell).mask(frame[flag], SUPPRESSED)
    return shown


def _cell(number: float | None) -> str:
    """A number as analysts expect it in a CSV: counts without a trailing `.0` (suppression made them floats)."""
    if pd.isna(number):
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


class Exports(dg.ConfigurableResource):
    """The analysts' exports beside the published warehouse and the small-number threshold they apply."""

    suppress_at_most: int = 5

    def folder(self, warehouse: Warehouse) -> Path:
        return warehouse.published.parent / "exports"

    def write(self, warehouse: Warehouse) -> Path:
        """Write every mart of the published warehouse to `exports/`; return the folder.

        Written into a fresh folder that then replaces the old one, so a failed export never leaves a mix of
        tonight's and last night's files."""
        target = self.folder(warehouse)
        staging = target.with_name(f"{target.name}.new")
        shutil.rmtree(staging, ignore_errors=True)
        (staging / "internal").mkdir(parents=True)
        with warehouse.connect(warehouse.published, read_only=True) as connection:
            tables = [row[0] for row in connection.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by table_name"
            ).fetchall()]
            for table in tables:
                if table not in PUBLISHABLE:
                    path = staging / "internal" / f"{table}.parquet"
                    connection.execute(f"copy marts.{table} to '{path}' (format parquet)")
            measures = connection.sql("select * from marts.measure_values").df()
            benchmarks = connection.sql("select * from marts.measure_benchmarks").df()
            catalogue = connection.sql("select * from marts.measure_catalogue").df()
        published_measures = suppressed_measure_values(measures, self.suppress_at_most)
        published_benchmarks = suppressed_benchmarks(benchmarks, published_measures)
        published_measures.to_parquet(staging / "measure_values.parquet", index=False)
        published_benchmarks.to_parquet(staging / "measure_benchmarks.parquet", index=False)
        catalogue.to_parquet(staging / "measure_catalogue.parquet", index=False)
        as_csv_cells(published_measures, "is_suppressed", ["numerator", "denominator", "value"]).to_csv(
            staging / "measure_values.csv", index=False)
        as_csv_cells(published_benchmarks, "is_la_value_suppressed", ["la_value"]).to_csv(
            staging / "measure_benchmarks.csv", index=False)
        (staging / "README.txt").write_text(README.format(at_most=self.suppress_at_most))
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        return target
