"""Calibration targets and scales: what each generated LA should look like.

The generator reads only `calibration_targets.csv` (built from the DfE/ONS benchmarks by `build_targets.py`).
Without `--la`, the default LA is 838 (Dorset): its population aged 0-17 from the ONS file, but England-average
rates, so the default output reproduces the national figures. With `--la CODE`, the LA's own published
figures apply, each suppressed or missing one falling back to England.
"""

import csv
from dataclasses import dataclass, replace
from pathlib import Path

from sources.synthetic.build_targets import ENGLAND, TARGET_COLUMNS, TARGETS_CSV

DEFAULT_LA = "838"
REGION = "North West"  # 24 LAs in the ONS file: the regional pool of `--scale region`


@dataclass(frozen=True)
class Targets:
    """Population and target rates of one LA (percent values as 0-100, rates per 10,000)."""

    la_code: str
    population: int
    cin_per_10k: float
    cp_per_10k: float
    cla_per_10k: float
    rereferral_pct: float
    assessments_45wd_pct: float
    cp_repeat_pct: float
    cla_3plus_placements_pct: float
    cla_long_term_stability_pct: float
    care_leavers_19_21_eet_pct: float
    care_leavers_19_21_suitable_accom_pct: float
    ehcp_20wk_pct: float
    neet_nk_16_17_pct: float
    sw_vacancy_pct: float
    sw_agency_pct: float
    sw_turnover_pct: float
    sw_caseload: float


@dataclass(frozen=True)
class Scale:
    """How much to generate: children aged 0-17 (None = the LA's own population), collection years, and the LA
    generated when none is asked for."""

    population: int | None
    years: int
    region: bool = False
    default_la: str = DEFAULT_LA


# Small is a real small unitary (Torbay, about 25,000 children) at its own ONS population, so that rates per
# 10,000, which the warehouse divides by the ONS figure of the LA's code, come out as generated. Large is written
# as Kent (355,000 children) for the same reason: under a smaller LA's code its rates would be five times too high
# and the measures' plausibility gate would block the refresh.
SCALES = {
    "small": Scale(population=None, years=3, default_la="880"),
    "medium": Scale(population=None, years=6),
    "large": Scale(population=350_000, years=10, default_la="886"),
    "region": Scale(population=None, years=10, region=True),
}


def _read_rows(path: Path = TARGETS_CSV) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["la_code"]: row for row in csv.DictReader(handle)}


def targets_for(la_code: str, own_rates: bool) -> Targets:
    """The LA's population with its own rates (`own_rates`) or England's, gaps filled from England."""
    rows = _read_rows()
    if la_code not in rows:
        raise ValueError(f"unknown LA code {la_code!r}: not in {TARGETS_CSV.name}")
    england, local = rows[ENGLAND], rows[la_code]
    rates = {
        column: float(local[column] if own_rates and local[column] else england[column]) for column in TARGET_COLUMNS
    }
    return Targets(la_code=la_code, population=int(local["population_0_17"]), **rates)


def england_targets() -> Targets:
    """England's population and rates: the reference the simulation's constants are tuned to."""
    row = _read_rows()[ENGLAND]
    return Targets(la_code=ENGLAND, population=int(row["population_0_17"]),
                   **{column: float(row[column]) for column in TARGET_COLUMNS})


def region_la_codes(region: str = REGION) -> list[str]:
    """The LAs of one DfE region, by old LA code."""
    return sorted(code for code, row in _read_rows().items() if row["region_name"] == region)


def la_plan(scale_name: str, la_code: str | None) -> list[Targets]:
    """The LAs to generate and their targets for a scale and an optional `--la`."""
    scale = SCALES[scale_name]
    if scale.region:
        return [targets_for(code, own_rates=True) for code in region_la_codes()]
    targets = targets_for(la_code or scale.default_la, own_rates=la_code is not None)
    return [targets if scale.population is None else replace(targets, population=scale.population)]
