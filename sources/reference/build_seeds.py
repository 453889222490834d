"""Write the reference seeds of the dbt project from their sources; run again when a source changes.

    python -m sources.reference.build_seeds [--benchmarks ../shared/benchmarks]

- `bank_holidays.csv`: England and Wales bank holidays 2010-2035 from the `holidays` package (the working-day
  measures count Monday-Friday less these days).
- `population.csv`: the ONS mid-year estimate of children aged 0-17 per LA (old 3-digit code), region and
  England, from the DfE copy of the ONS file in the shared benchmarks.
"""

import argparse
import csv
from pathlib import Path

import holidays

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
FIRST_YEAR, LAST_YEAR = 2010, 2035
POPULATION_FILE = "dfe/ons_mid-year_population_estimates_2012_to_2024.csv"


def write_bank_holidays(path: Path) -> int:
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1))
    rows = sorted(days.items())
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["holiday_on", "name"])
        writer.writerows((day.isoformat(), name) for day, name in rows)
    return len(rows)


def write_population(benchmarks: Path, path: Path) -> int:
    """One row per mid-year and area: `geography` is `la` (with its code), `region` or `england`."""
    rows = []
    with (benchmarks / POPULATION_FILE).open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if row["age_group"] != "Children aged 0 to 17 years" or not row["population_estimate"].isdigit():
                continue
            level = {"National": "england", "Regional": "region", "Local authority": "la"}.get(row["geographic_level"])
            if level is None:
                continue
            code = row["old_la_code"] if level == "la" else row["region_code"] if level == "region" else "E92000001"
            rows.append((int(row["time_period"]), level, code, row["la_name"] or row["region_name"] or "England",
                         row["region_code"], int(row["population_estimate"])))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["mid_year", "geography", "area_code", "area_name", "region_code", "population_0_17"])
        writer.writerows(sorted(set(rows)))
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "benchmarks")
    args = parser.parse_args()
    print(f"bank holidays: {write_bank_holidays(SEEDS / 'bank_holidays.csv')} days")
    print(f"population: {write_population(args.benchmarks, SEEDS / 'population.csv')} rows")


if __name__ == "__main__":
    main()
