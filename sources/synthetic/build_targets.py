"""Build `calibration_targets.csv`: the published rates the synthetic generator reproduces.

Reads the DfE/ONS benchmark files once (they sit beside the repository, not with users) and writes one small
committed CSV: one row per LA (old 3-digit code) and one England row, with the population aged 0-17 and each
target rate for the latest published year. Suppressed values (c, x, z, k, low) stay blank, so the generator
falls back to England for them.

    python -m sources.synthetic.build_targets [BENCHMARKS_DIR]   (default ../shared/benchmarks)
"""

import csv
import sys
from pathlib import Path

TARGETS_CSV = Path(__file__).with_name("calibration_targets.csv")
ENGLAND = "england"
SUPPRESSED = {"c", "x", "z", "k", "low", ""}

# Not in the benchmark set: England figures quoted with it (assessments 2024-25, EHCP calendar year 2024).
ENGLAND_ASSESSMENTS_45WD_PCT = 86.0
ENGLAND_EHCP_20WK_PCT = 46.4

TARGET_COLUMNS = [
    "cin_per_10k", "cp_per_10k", "cla_per_10k", "rereferral_pct", "assessments_45wd_pct", "cp_repeat_pct",
    "cla_3plus_placements_pct", "cla_long_term_stability_pct", "care_leavers_19_21_eet_pct",
    "care_leavers_19_21_suitable_accom_pct", "ehcp_20wk_pct", "neet_nk_16_17_pct", "sw_vacancy_pct",
    "sw_agency_pct", "sw_turnover_pct", "sw_caseload",
]
COLUMNS = ["la_code", "la_name", "region_name", "population_0_17", *TARGET_COLUMNS]


def _number(text: str) -> float | None:
    return None if text.strip().lower() in SUPPRESSED else float(text)


def _latest_rows(path: Path, **filters: str) -> dict[str, dict]:
    """The rows of the latest time period, keyed by old LA code (`england` for the national row)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = [row for row in csv.DictReader(handle) if all(row[k] == v for k, v in filters.items())]
    latest = max(row["time_period"] for row in rows)
    keyed = {}
    for row in rows:
        if row["time_period"] != latest:
            continue
        if row["geographic_level"] == "National":
            keyed[ENGLAND] = row
        elif row["geographic_level"] == "Local authority":
            keyed[row["old_la_code"]] = row
    return keyed


def _per_10k(count: str | None, population: float | None) -> float | None:
    value = _number(count) if count is not None else None
    if value is None or not population:
        return None
    return round(value * 10_000 / population, 1)


def build_targets(benchmarks: Path) -> list[dict]:
    """One target row per LA plus England, from the benchmark CSVs in `benchmarks/dfe/`."""
    dfe = benchmarks / "dfe"
    population = _latest_rows(dfe / "ons_mid-year_population_estimates_2012_to_2024.csv")
    cin = _latest_rows(dfe / "b1_children_in_need_2013_to_2025.csv")
    referrals = _latest_rows(dfe / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv")
    cp_repeat = _latest_rows(dfe / "d3_cpps_subsequent_plan_2013_to_2025.csv")
    cp_at31 = _latest_rows(dfe / "d5_cpps_at31march_by_duration_2013_to_2025.csv")
    cla = _latest_rows(dfe / "cla_number_and_rate_per_10k_children.csv",
                       population_type="Children looked after on 31 March each year")
    three_plus = _latest_rows(dfe / "la_cla_placement_stability.csv", cla_group="CLA on 31 March",
                              placement_stability="With 3 or more placements during the year")
    long_term = _latest_rows(
        dfe / "la_cla_placement_stability.csv",
        cla_group="Children looked after continuously for at least 2.5 years on 31 March aged under 16 years",
        placement_stability="Living with the same carer for at least 2 years")
    eet = _latest_rows(dfe / "la_care_leavers_activity.csv", care_leaver_age="19 to 21 years",
                       breakdown="Total in education, employment or training")
    accommodation = _latest_rows(dfe / "la_care_leavers_accommodation_suitability.csv",
                                 care_leaver_age="19 to 21 years", breakdown="Accommodation considered suitable")
    neet = _latest_rows(dfe / "nccis_neet_not_known_la_dashboard.csv", Age="16-17")
    workforce = _latest_rows(dfe / "csww_indicators_2017_to_2025.csv")

    published = {  # target column: (the file's rows by LA, its column)
        "rereferral_pct": (referrals, "rereferral_percent"),
        "cp_repeat_pct": (cp_repeat, "CPP_subsequent_percent"),
        "cla_3plus_placements_pct": (three_plus, "children_percent"),
        "cla_long_term_stability_pct": (long_term, "children_percent"),
        "care_leavers_19_21_eet_pct": (eet, "care_leaver_percent"),
        "care_leavers_19_21_suitable_accom_pct": (accommodation, "care_leaver_percent"),
        "neet_nk_16_17_pct": (neet, "NEET_not_known_percent"),
        "sw_vacancy_pct": (workforce, "vacancy_rate_fte"),
        "sw_agency_pct": (workforce, "agency_rate_fte"),
        "sw_turnover_pct": (workforce, "turnover_rate_fte"),
        "sw_caseload": (workforce, "caseload_fte"),
    }
    targets = []
    for code, pop_row in sorted(population.items(), key=lambda item: (item[0] != ENGLAND, item[0])):
        people = _number(pop_row["population_estimate"])
        row = {"la_code": code, "la_name": pop_row["la_name"] or "England",
               "region_name": pop_row["region_name"], "population_0_17": int(people) if people else None,
               "cin_per_10k": _per_10k(cin.get(code, {}).get("At31_episodes"), people),
               "cp_per_10k": _per_10k(cp_at31.get(code, {}).get("CPP_At31"), people),
               "cla_per_10k": _per_10k(cla.get(code, {}).get("children_count"), people),
               "assessments_45wd_pct": ENGLAND_ASSESSMENTS_45WD_PCT if code == ENGLAND else None,
               "ehcp_20wk_pct": ENGLAND_EHCP_20WK_PCT if code == ENGLAND else None}
        for column, (table, source_column) in published.items():
            row[column] = _number(table[code][source_column]) if code in table else None
        targets.append(row)
    return targets


def main(argv: list[str]) -> None:
    benchmarks = Path(argv[0]) if argv else Path(__file__).resolve().parents[3] / "shared" / "benchmarks"
    targets = build_targets(benchmarks)
    with TARGETS_CSV.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(targets)
    print(f"{len(targets)} rows -> {TARGETS_CSV}")


if __name__ == "__main__":
    main(sys.argv[1:])
