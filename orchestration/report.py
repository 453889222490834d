"""`csdw report`: the monthly performance report as one self-contained HTML file.

Read-only over the published warehouse: one section per area with, for each measure's `all` row, the latest value,
a trend chart over the last 24 month ends, the change from a year ago, England / region / statistical-neighbour
benchmarks and a RAG status against the LA's own targets; then the last refresh's quality gates and how current
each extract is. Charts are matplotlib SVG written into the file, so it opens with no network at all.

Only aggregates appear: no identifier, date of birth or row of any extract. Small numbers are not suppressed here
(internal management information); the publishable, suppressed figures are in `exports/`.
"""

import csv
import io
import json
import math
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from markupsafe import Markup
from matplotlib.dates import DateFormatter
# A Figure used directly needs no display and no pyplot global state.
from matplotlib.figure import Figure

from orchestration.pages import render
from orchestration.resources import Warehouse

TREND_MONTHS = 24
# How far short of a target (relative to the target) still counts as amber rather than red.
AMBER_TOLERANCE = 0.05
AREAS = {
    "front_door": "Front door",
    "children_in_need": "Children in need",
    "child_protection": "Child protection",
    "children_looked_after": "Children looked after",
    "care_leavers": "Care leavers",
    "send": "SEND",
    "neet": "NEET",
    "workforce": "Social work workforce",
}
# Benchmarks of counts are other areas' totals: a line for them on the LA's chart would mean nothing.
COMPARABLE_UNITS = {"percent", "rate_per_10k", "days"}
# A measure with a monthly snapshot series is charted by it; a NEET-style yearly headline is the fallback.
PERIOD_TYPE_PREFERENCE = {"snapshot": 0, "year": 1, "month": 2}


@dataclass(frozen=True)
class Target:
    value: float
    direction: str  # 'higher' or 'lower': which side of the target is on target


def targets_path(warehouse: Warehouse) -> Path:
    """Where the LA's targets are: CSDW_TARGETS, else `targets.csv` beside the warehouse."""
    configured = os.environ.get("CSDW_TARGETS")
    return Path(configured).expanduser() if configured else warehouse.published.parent / "targets.csv"


def load_targets(path: Path) -> dict[str, Target]:
    """The LA's local targets by measure (CSV: measure_id, target, direction); none when there is no file."""
    if not path.exists():
        return {}
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    targets = {}
    for row in rows:
        direction = row["direction"].strip().lower()
        if direction not in ("higher", "lower"):
            raise ValueError(f"{path}: direction for {row['measure_id']} must be 'higher' or 'lower', not {direction!r}")
        targets[row["measure_id"].strip()] = Target(float(row["target"]), direction)
    return targets


def rag_status(value: float | None, target: Target | None) -> str | None:
    """Is the latest value on target? 'green' on or beyond it, 'amber' short of it by at most 5% of the target,
    'red' further off; None without a value or a target."""
    if value is None or target is None or math.isnan(value):
        return None
    shortfall = target.value - value if target.direction == "higher" else value - target.value
    if shortfall <= 0:
        return "green"
    if shortfall <= AMBER_TOLERANCE * abs(target.value):
        return "amber"
    return "red"


def formatted(value: float | None, unit: str) -> str:
    """A value as the seed reports print it: whole counts, one decimal for percentages, rates and FTE."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "count" and float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def formatted_change(change: float | None, unit: str) -> str:
    if change is None or math.isnan(change):
        return "–"
    if change == 0:
        return "no change"
    text = f"{change:+.1f} pts" if unit == "percent" else formatted(change, unit)
    return text if text.startswith(("+", "-")) else f"+{text}"


def change_judgement(change: float | None, polarity: str) -> str:
    """Is the year's change an improvement ('better'), a decline ('worse') or neither?"""
    if change is None or math.isnan(change) or change == 0 or polarity == "neutral":
        return "neutral"
    return "better" if (change > 0) == (polarity == "higher_better") else "worse"


def trend_chart(series: pd.DataFrame, unit: str, england: float | None, target: Target | None) -> Markup:
    """The measure's last 24 month ends as an inline SVG line chart, with England and the target as flat lines."""
    figure = Figure(figsize=(5.2, 1.9))
    axes = figure.subplots()
    axes.plot(series["period_end"], series["value"], marker="o", markersize=2.5, linewidth=1.6, color="#1d4f91",
              label="LA")
    if england is not None and unit in COMPARABLE_UNITS:
        axes.axhline(england, color="#7a7a7a", linestyle="--", linewidth=1, label="England")
    if target is not None:
        axes.axhline(target.value, color="#2e7d32", linestyle=":", linewidth=1.2, label="target")
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=7)
    axes.xaxis.set_major_formatter(DateFormatter("%b %y"))
    axes.grid(axis="y", linewidth=0.4, color="#dddddd")
    if len(axes.get_lines()) > 1:
        axes.legend(fontsize=6.5, frameon=False, loc="best")
    figure.tight_layout(pad=0.4)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    return Markup(svg[svg.index("<svg"):])


def _chosen_series(values: pd.DataFrame) -> pd.DataFrame:
    """One measure's `all` rows of a single period type, the one with the longest series (snapshot on a tie)."""
    counts = values.groupby("period_type").size()
    chosen = min(counts.index, key=lambda kind: (-counts[kind], PERIOD_TYPE_PREFERENCE.get(kind, 9)))
    return values[values["period_type"] == chosen].sort_values("period_end")


def measure_entry(catalogue_row: pd.Series, values: pd.DataFrame, benchmarks: pd.DataFrame,
                  target: Target | None) -> dict:
    """Everything the report says about one measure."""
    entry = {"measure_id": catalogue_row["measure_id"], "name": catalogue_row["name"],
             "definition": catalogue_row["definition"], "unit": catalogue_row["unit"], "has_values": False}
    values = values[values["value"].notna()]
    if values.empty:
        return entry
    unit, polarity = catalogue_row["unit"], catalogue_row["polarity"]
    series = _chosen_series(values)
    latest = series.iloc[-1]
    latest_end = pd.Timestamp(latest["period_end"])
    year_ago = series[pd.to_datetime(series["period_end"]) == latest_end - pd.offsets.MonthEnd(12)]
    # Rounded as shown, so a change too small to show is no change (not a green "-0.0").
    change = round(float(latest["value"]) - float(year_ago["value"].iloc[0]), 1) + 0.0 if not year_ago.empty else None
    published = benchmarks[(pd.to_datetime(benchmarks["year_end"]) <= latest_end) & benchmarks["england_value"].notna()]
    benchmark = published.sort_values("year_end").iloc[-1] if not published.empty else None
    england = float(benchmark["england_value"]) if benchmark is not None else None
    trend = series[pd.to_datetime(series["period_end"]) > latest_end - pd.offsets.MonthEnd(TREND_MONTHS)]

    def shown(column: str) -> str:
        return formatted(None if benchmark is None else benchmark[column], unit)

    entry.update(
        has_values=True,
        latest=formatted(float(latest["value"]), unit),
        latest_period=pd.Timestamp(latest["period_end"]).strftime("%d %b %Y"),
        period_type=latest["period_type"],
        change=formatted_change(change, unit),
        change_judgement=change_judgement(change, polarity),
        benchmark_year=None if benchmark is None else pd.Timestamp(benchmark["year_end"]).strftime("%Y"),
        england=shown("england_value"),
        region=shown("region_value"),
        neighbours=shown("statistical_neighbours_value"),
        target=None if target is None else f"{formatted(target.value, unit)} ({target.direction} is better)",
        rag=rag_status(float(latest["value"]), target),
        chart=trend_chart(trend, unit, england, target),
    )
    return entry


def data_quality(warehouse: Warehouse) -> dict | None:
    """What the last refresh's gates said (reports/gate-latest.json): checks passed, blocking failures, warnings."""
    path = warehouse.reports / "gate-latest.json"
    if not path.exists():
        return None
    report = json.loads(path.read_text())
    failed = [check for check in report.get("checks", []) if not check["passed"]]
    return {
        "status": report["status"],
        "refresh_id": report["refresh_id"],
        "finished_at": datetime.fromisoformat(report["finished_at"]).strftime("%d %b %Y %H:%M"),
        "checks_passed": report["checks_passed"],
        "failures": [f"{check['asset']}: {check['check']}" for check in failed if check["severity"] != "WARN"],
        "warnings": [f"{check['asset']}: {check['check']}" for check in failed if check["severity"] == "WARN"],
        "reasons": report.get("reasons", []),
    }


def data_currency(connection) -> list[dict]:
    """How current is each extract? Per raw table: its latest collection year, the newest file of that year (monthly
    families have no collection year: their newest file), how many earlier files it holds, when it was loaded."""
    tables = [row[0] for row in connection.execute(
        "select table_name from duckdb_tables() where schema_name = 'raw' order by table_name").fetchall()]
    currency = []
    for table in tables:
        latest = connection.execute(f"""
            with latest_year as (select max(collection_year) as collection_year from raw.{table})
            select
                any_value(latest_year.collection_year),
                max(source_file),
                count(distinct source_file),
                max(loaded_at),
                count(*)
            from raw.{table}
            cross join latest_year
            where raw.{table}.collection_year is not distinct from latest_year.collection_year
        """).fetchone()
        collection_year, latest_file, files, loaded_at, rows = latest
        currency.append({"table": table, "collection_year": collection_year, "latest_file": latest_file,
                         "earlier_files": max(files - 1, 0), "rows": rows,
                         "loaded_at": loaded_at.strftime("%d %b %Y %H:%M") if loaded_at else None})
    return currency


def build_report(warehouse: Warehouse, la_code: str | None, targets: dict[str, Target]) -> str:
    """The report's HTML for one LA (the warehouse's only LA when none is named)."""
    with warehouse.connect(warehouse.published, read_only=True) as connection:
        las = [row[0] for row in connection.execute(
            "select distinct la_code from marts.measure_values order by la_code").fetchall()]
        la_code = la_code if la_code in las else (las[0] if las else la_code)
        catalogue = connection.sql("select * from marts.measure_catalogue").df()
        values = connection.execute(
            "select measure_id, period_end, period_type, value from marts.measure_values "
            "where breakdown = 'all' and la_code = ?", [la_code]).df()
        benchmarks = connection.execute(
            "select measure_id, year_end, england_value, region_value, statistical_neighbours_value "
            "from marts.measure_benchmarks where la_code = ?", [la_code]).df()
        currency = data_currency(connection)
    # An area added to the catalogue later still gets its section, after the eight the report knows by name.
    areas = AREAS | {area: area.replace("_", " ").capitalize() for area in catalogue["area"] if area not in AREAS}
    sections = []
    for area, title in areas.items():
        measures = [
            measure_entry(row, values[values["measure_id"] == row["measure_id"]],
                          benchmarks[benchmarks["measure_id"] == row["measure_id"]], targets.get(row["measure_id"]))
            for _, row in catalogue[catalogue["area"] == area].sort_values("measure_id").iterrows()
        ]
        sections.append({"id": area, "title": title, "measures": measures})
    return render(
        "report.html.j2",
        la_code=la_code,
        generated_at=datetime.now().strftime("%d %b %Y %H:%M"),
        latest_period=pd.Timestamp(values["period_end"].max()).strftime("%d %b %Y") if not values.empty else None,
        sections=sections,
        has_targets=bool(targets),
        quality=data_quality(warehouse),
        currency=currency,
        amber_percent=round(AMBER_TOLERANCE * 100),
    )


def write_report(warehouse: Warehouse, out: Path | None, la_code: str | None) -> Path:
    """Write the report (default `reports/performance.html` beside the warehouse) and return where it went."""
    out = out or warehouse.reports / "performance.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(build_report(warehouse, la_code, load_targets(targets_path(warehouse))), encoding="utf-8")
    return out
