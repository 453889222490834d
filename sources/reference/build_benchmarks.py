"""Write the benchmark seeds of the dbt project from the DfE published files; run again when a file changes.

    python -m sources.reference.build_benchmarks [--benchmarks ../shared/benchmarks]

- `dfe_benchmarks.csv`: every figure DfE publishes for one of our measures (ids of `measure_catalogue_entries.csv`),
  per year, for England, each region and each LA (old 3-digit code), from 2013. Suppressed figures (c, x, z, k,
  low, u) are missing, so they have no row: a zero would be a false figure. Rates per 10,000 are the published count
  over the ONS population of the seed `population.csv` (mid-year before the 31 March), as the warehouse computes
  the LA's own rates, so the benchmark and the LA value share one denominator.
- `statistical_neighbours.csv`: each LA's 10 statistical neighbours in DfE's 2025 model, by rank.
"""

import argparse
import calendar
import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
FIRST_YEAR = 2013
ENGLAND_CODE = "E92000001"
# EES symbols standing in for a figure; "u" (low reliability) also replaces the figure in these files.
SUPPRESSED = {"c", "x", "z", "k", "low", "u", ""}
GEOGRAPHIES = {"National": "england", "Regional": "region", "Local authority": "la"}
NEIGHBOURS_FILE = "dfe/sn_model_2025_wide.csv"
NEIGHBOURS = 10


def march_31(year: int) -> date:
    return date(year, 3, 31)


def september_30(year: int) -> date:
    """Workforce figures describe the workforce at 30 September of the reporting year."""
    return date(year, 9, 30)


def end_of_february(year: int) -> date:
    """NEET figures average December, January and February; the year's figure ends in February of `time_period`."""
    return date(year, 2, calendar.monthrange(year, 2)[1])


@dataclass(frozen=True)
class Figure:
    """One published column of one file that is one of our measures; `per_10k` divides it by the population."""

    measure_id: str
    file: str
    column: str
    year_end: Callable[[int], date] = march_31
    where: tuple[tuple[str, str], ...] = ()
    per_10k: bool = False


CIN = "dfe/b1_children_in_need_2013_to_2025.csv"
REFERRALS = "dfe/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
CP_STARTS = "dfe/d3_cpps_subsequent_plan_2013_to_2025.csv"
CP_DURATION = "dfe/d5_cpps_at31march_by_duration_2013_to_2025.csv"
CLA = "dfe/cla_number_and_rate_per_10k_children.csv"
STABILITY = "dfe/la_cla_placement_stability.csv"
ACCOMMODATION = "dfe/la_care_leavers_accommodation_suitability.csv"
ACTIVITY = "dfe/la_care_leavers_activity.csv"
WORKFORCE = "dfe/csww_indicators_2017_to_2025.csv"
NEET = "dfe/nccis_neet_not_known_la_dashboard.csv"
CLA_AT_31_MARCH = (("population_type", "Children looked after on 31 March each year"),)
LONG_TERM = "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years"
EET = "Total in education, employment or training"
SUITABLE = "Accommodation considered suitable"


def care_leavers(measure_id: str, file: str, age: str, breakdown: str) -> Figure:
    return Figure(measure_id, file, "care_leaver_percent",
                  where=(("care_leaver_age", f"{age} years"), ("breakdown", breakdown)))


FIGURES = (
    Figure("cin_at_date", CIN, "At31_episodes"),
    Figure("cin_rate_per_10k", CIN, "At31_episodes", per_10k=True),
    Figure("referrals", REFERRALS, "referral_count"),
    Figure("referral_rate_per_10k", REFERRALS, "referral_count", per_10k=True),
    Figure("rereferrals_12m_pct", REFERRALS, "rereferral_percent"),
    Figure("referrals_nfa_pct", REFERRALS, "no_further_action_percent"),
    Figure("cp_starts", CP_STARTS, "CPP_start"),
    Figure("cp_repeat_pct", CP_STARTS, "CPP_subsequent_percent"),
    Figure("cp_at_date", CP_DURATION, "CPP_At31"),
    Figure("cp_rate_per_10k", CP_DURATION, "CPP_At31", per_10k=True),
    Figure("cp_2yrs_plus_at_date_pct", CP_DURATION, "2_years_or_more_percent"),
    Figure("cla_at_date", CLA, "children_count", where=CLA_AT_31_MARCH),
    Figure("cla_rate_per_10k", CLA, "children_count", where=CLA_AT_31_MARCH, per_10k=True),
    Figure("cla_starts", CLA, "children_count",
           where=(("population_type", "Children starting to be looked after each year"),)),
    Figure("cla_ceased", CLA, "children_count",
           where=(("population_type", "Children ceasing to be looked after each year"),)),
    Figure("cla_3plus_placements_pct", STABILITY, "children_percent",
           where=(("cla_group", "CLA on 31 March"),
                  ("placement_stability", "With 3 or more placements during the year"))),
    Figure("cla_long_term_stability_pct", STABILITY, "children_percent",
           where=(("cla_group", LONG_TERM),
                  ("placement_stability", "Living with the same carer for at least 2 years"))),
    care_leavers("care_leavers_19_21_eet_pct", ACTIVITY, "19 to 21", EET),
    care_leavers("care_leavers_17_18_eet_pct", ACTIVITY, "17 to 18", EET),
    care_leavers("care_leavers_19_21_suitable_accom_pct", ACCOMMODATION, "19 to 21", SUITABLE),
    care_leavers("care_leavers_17_18_suitable_accom_pct", ACCOMMODATION, "17 to 18", SUITABLE),
    Figure("sw_fte", WORKFORCE, "inpost_fte", year_end=september_30),
    Figure("sw_agency_fte", WORKFORCE, "agency_fte", year_end=september_30),
    Figure("sw_vacancy_rate_pct", WORKFORCE, "vacancy_rate_fte", year_end=september_30),
    Figure("sw_agency_rate_pct", WORKFORCE, "agency_rate_fte", year_end=september_30),
    Figure("sw_turnover_rate_pct", WORKFORCE, "turnover_rate_fte", year_end=september_30),
    Figure("sw_avg_caseload", WORKFORCE, "caseload_fte", year_end=september_30),
    Figure("neet_16_17_pct", NEET, "NEET_percent", year_end=end_of_february),
    Figure("not_known_16_17_pct", NEET, "Notknown_percent", year_end=end_of_february),
    Figure("neet_nk_16_17_pct", NEET, "NEET_not_known_percent", year_end=end_of_february),
)
# Not in the shared files: the SEN2 release's England figure for calendar year 2024 (shared/benchmarks/README.md).
ENGLAND_ONLY = (("ehcp_20wk_pct", date(2024, 12, 31), 46.4),)


def published_value(text: str) -> float | None:
    """The figure, or None when DfE suppressed it."""
    text = text.strip()
    return None if text.lower() in SUPPRESSED else float(text)


def read_population(path: Path) -> dict[tuple[int, str, str], int]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {(int(row["mid_year"]), row["geography"], row["area_code"]): int(row["population_0_17"])
                for row in csv.DictReader(handle)}


def area_of(row: dict) -> tuple[str, str] | None:
    geography = GEOGRAPHIES.get(row["geographic_level"])
    if geography is None:
        return None
    code = {"england": ENGLAND_CODE, "region": row["region_code"], "la": row["old_la_code"]}[geography]
    return geography, code


def read_figures(benchmarks: Path, figure: Figure, population: dict) -> dict[tuple, float]:
    values = {}
    with (benchmarks / figure.file).open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            year = int(row["time_period"][:4])
            area = area_of(row)
            if year < FIRST_YEAR or area is None or any(row[column] != wanted for column, wanted in figure.where):
                continue
            value = published_value(row[figure.column])
            if value is not None and figure.per_10k:
                people = population.get((year - 1, *area))
                value = None if not people else value / people * 10_000
            if value is None:
                continue
            key = (figure.measure_id, figure.year_end(year).isoformat(), *area)
            if values.setdefault(key, value) != value:
                raise ValueError(f"{figure.file}: two different figures for {key}")
    return values


def benchmark_rows(benchmarks: Path, population: dict) -> list[tuple]:
    values = {}
    for figure in FIGURES:
        values.update(read_figures(benchmarks, figure, population))
    values.update({(measure_id, year_end.isoformat(), "england", ENGLAND_CODE): value
                   for measure_id, year_end, value in ENGLAND_ONLY})
    return sorted((*key, round(value, 4)) for key, value in values.items())


def write_benchmarks(benchmarks: Path, population_path: Path, path: Path) -> int:
    rows = benchmark_rows(benchmarks, read_population(population_path))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["measure_id", "year_end", "geography", "area_code", "value"])
        writer.writerows(rows)
    return len(rows)


def write_statistical_neighbours(benchmarks: Path, path: Path) -> int:
    with (benchmarks / NEIGHBOURS_FILE).open(newline="", encoding="utf-8-sig") as handle:
        ranked = sorted((row["old_la_code"], rank, row[f"SN_{rank}"])
                        for row in csv.DictReader(handle) for rank in range(1, NEIGHBOURS + 1) if row[f"SN_{rank}"])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["la_code", "neighbour_code", "rank"])
        writer.writerows((la_code, neighbour_code, rank) for la_code, rank, neighbour_code in ranked)
    return len(ranked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", type=Path,
                        default=Path(__file__).resolve().parents[3] / "shared" / "benchmarks")
    args = parser.parse_args()
    count = write_benchmarks(args.benchmarks, SEEDS / "population.csv", SEEDS / "dfe_benchmarks.csv")
    print(f"DfE benchmarks: {count} rows")
    count = write_statistical_neighbours(args.benchmarks, SEEDS / "statistical_neighbours.csv")
    print(f"statistical neighbours: {count} rows")


if __name__ == "__main__":
    main()
