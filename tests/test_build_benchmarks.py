"""The benchmark seed builder on tiny hand-made EES files: suppressed figures are missing, never 0."""

import csv
from pathlib import Path

from sources.reference import build_benchmarks
from sources.reference.build_benchmarks import Figure, read_figures, write_benchmarks, write_statistical_neighbours

HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
          "old_la_code,new_la_code,la_name,category,At31_episodes")
CIN_ROWS = [
    "2025,Reporting year,National,E92000001,England,,,,,,Children in Need,400",
    "2025,Reporting year,Regional,E92000001,England,E12000009,South West,,,,Children in Need,60",
    "2025,Reporting year,Local authority,E92000001,England,E12000009,South West,838,E06000059,Dorset,CIN,c",
    "2025,Reporting year,Local authority,E92000001,England,E12000009,South West,839,E06000058,BCP,CIN,x",
    "2025,Reporting year,Local authority,E92000001,England,E12000009,South West,840,E06000060,Other,CIN,0",
    "2012,Reporting year,National,E92000001,England,,,,,,Children in Need,999",
]
POPULATION = {(2024, "england", "E92000001"): 20_000, (2024, "region", "E12000009"): 2_000, (2024, "la", "840"): 100}


def write_cin(folder: Path) -> None:
    (folder / "dfe").mkdir()
    (folder / "dfe" / "cin.csv").write_text("\n".join(["\ufeff" + HEADER, *CIN_ROWS]) + "\n", encoding="utf-8")


def test_suppressed_figures_are_missing_and_a_published_zero_stays_zero(tmp_path):
    write_cin(tmp_path)

    values = read_figures(tmp_path, Figure("cin_at_date", "dfe/cin.csv", "At31_episodes"), POPULATION)

    assert values == {
        ("cin_at_date", "2025-03-31", "england", "E92000001"): 400.0,
        ("cin_at_date", "2025-03-31", "region", "E12000009"): 60.0,
        ("cin_at_date", "2025-03-31", "la", "840"): 0.0,
    }


def test_rates_divide_by_the_population_of_the_mid_year_before_31_march(tmp_path):
    write_cin(tmp_path)

    rate = Figure("cin_rate_per_10k", "dfe/cin.csv", "At31_episodes", per_10k=True)

    values = read_figures(tmp_path, rate, POPULATION)

    assert values == {
        ("cin_rate_per_10k", "2025-03-31", "england", "E92000001"): 200.0,
        ("cin_rate_per_10k", "2025-03-31", "region", "E12000009"): 300.0,
        ("cin_rate_per_10k", "2025-03-31", "la", "840"): 0.0,
    }


def test_the_seed_has_no_row_for_a_suppressed_figure(tmp_path, monkeypatch):
    write_cin(tmp_path)
    population = tmp_path / "population.csv"
    population.write_text("mid_year,geography,area_code,area_name,region_code,population_0_17\n"
                          "2024,england,E92000001,England,,20000\n", encoding="utf-8")
    monkeypatch.setattr(build_benchmarks, "FIGURES", (Figure("cin_at_date", "dfe/cin.csv", "At31_episodes"),))
    monkeypatch.setattr(build_benchmarks, "ENGLAND_ONLY", ())

    assert write_benchmarks(tmp_path, population, tmp_path / "seed.csv") == 3
    with (tmp_path / "seed.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["area_code"] for row in rows} == {"E92000001", "E12000009", "840"}
    assert all(row["value"] for row in rows)


def test_statistical_neighbours_are_one_row_per_neighbour_and_rank(tmp_path):
    (tmp_path / "dfe").mkdir()
    ranks = range(1, 11)
    header = "old_la_code,la_name,region_ind,region_name," + ",".join(f"SN_{rank},SN_{rank}P" for rank in ranks)
    neighbours = ",".join(f"{800 + rank},Close " for rank in ranks)
    (tmp_path / "dfe" / "sn_model_2025_wide.csv").write_text(
        f"\ufeff{header}\n838,Dorset,9,South West,{neighbours}\n", encoding="utf-8")

    assert write_statistical_neighbours(tmp_path, tmp_path / "sn.csv") == 10
    with (tmp_path / "sn.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0] == {"la_code": "838", "neighbour_code": "801", "rank": "1"}
    assert rows[-1] == {"la_code": "838", "neighbour_code": "810", "rank": "10"}
