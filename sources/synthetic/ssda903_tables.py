"""SSDA903 CSV tables, one file per table and collection year, from the simulated life-courses.

Each year's tables are the return as it stood at 31 March: episodes open at any time in the year (an end after
the year end is blank), the header for every child in any table, OC3 for care leavers whose 17th-21st birthday
falls in the year, and so on. Codes that changed between years are written in the year's own list.
"""

import random
from datetime import date, timedelta
from pathlib import Path

from sources.synthetic.calendar import add_years, age_on, collection_year_label, dmy, year_end, year_start
from sources.synthetic.life_course import CarePeriod, Child, Population
from sources.synthetic.ssda903 import write_csv

TABLE_COLUMNS = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "uasc": ["CHILD", "SEX", "DOB", "DUC"],
    "oc2": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
            "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED"],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "ad1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
    "placed_for_adoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "prev_perm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "sw_episodes": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
}
SEX_LETTERS_FROM = 2025  # 2024-25: SEX M/F/U instead of 1/2
K3_FROM = 2025  # 2024-25: K3 replaces H5 and P2
Z_SPLIT_FROM = 2026  # 2025-26: Z11-Z14 instead of Z1
SW_EPISODES_FROM = 2024  # 2023-24: the social worker episodes table starts
REVIEW_CODES = ["PN1", "PN1", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"]
SEX_CODES_TO_2024 = {"M": "1", "F": "2"}


def ssda903_file_name(end_year: int, table: str) -> str:
    return f"ssda903_{collection_year_label(end_year)}_{table}.csv"


def placement_in_year(placement: str, end_year: int) -> str:
    """The placement code as that year's list has it (H5/P2 -> K3 from 2024-25, K3 -> H5 before,
    Z1 -> Z11 from 2025-26)."""
    if end_year >= K3_FROM and placement in ("H5", "P2"):
        return "K3"
    if end_year < K3_FROM and placement == "K3":
        return "H5"
    if end_year >= Z_SPLIT_FROM and placement == "Z1":
        return "Z11"
    return placement


def _known(day: date | None, cutoff: date) -> date | None:
    return day if day is not None and day <= cutoff else None


def write_ssda903_year(population: Population, end_year: int, folder: Path, seed: int) -> list[Path]:
    """Write one collection year's tables; returns the files written."""
    first, last = year_start(end_year), year_end(end_year)
    rng = random.Random(f"{seed}:{population.la_code}:903:{end_year}")
    tables: dict[str, list[dict]] = {name: [] for name in TABLE_COLUMNS}
    for child in population.known.values():
        periods = [
            period for period in child.care
            if period.start <= last and (period.end is None or period.end >= first)
        ]
        leaver_rows = [
            (age, outcome) for age, outcome in child.oc3.items() if first <= add_years(child.birth, age) <= last
        ]
        if not periods and not leaver_rows:
            continue
        dob = dmy(child.birth)
        tables["header"].append(_header_row(child, end_year, last))
        for _, (in_touch, activity, accommodation) in leaver_rows:
            tables["oc3"].append({"CHILD": child.child_id, "DOB": dob, "IN_TOUCH": in_touch, "ACTIV": activity,
                                  "ACCOM": accommodation})
        for period in periods:
            _period_rows(tables, rng, child, period, end_year, first, last)
        if child.uasc_until and periods:
            sex = child.sex if end_year >= SEX_LETTERS_FROM else SEX_CODES_TO_2024[child.sex]
            tables["uasc"].append({"CHILD": child.child_id, "SEX": sex, "DOB": dob,
                                   "DUC": dmy(_known(child.uasc_until, last))})
        if _looked_after_a_year(periods, last):
            tables["oc2"].append(_oc2_row(rng, child, last))
    if end_year < SW_EPISODES_FROM:
        del tables["sw_episodes"]
    paths = []
    for table, rows in tables.items():
        path = folder / ssda903_file_name(end_year, table)
        write_csv(path, TABLE_COLUMNS[table], rows)
        paths.append(path)
    return paths


def _header_row(child: Child, end_year: int, cutoff: date) -> dict:
    sex = child.sex if end_year >= SEX_LETTERS_FROM else SEX_CODES_TO_2024[child.sex]
    old_enough = age_on(child.birth, cutoff) >= 5
    return {
        "CHILD": child.child_id, "SEX": sex, "DOB": dmy(child.birth), "ETHNIC": child.ethnicity,
        "UPN": child.upn if old_enough else "UN1",
        "MOTHER": "0" if child.sex == "F" and age_on(child.birth, cutoff) >= 12 else "", "MC_DOB": "",
    }


def _period_rows(tables: dict[str, list[dict]], rng: random.Random, child: Child, period: CarePeriod,
                 end_year: int, first: date, last: date) -> None:
    child_id, dob = child.child_id, dmy(child.birth)
    home_post = f"ZZ99 {child.number % 9 + 1}HZ"
    for episode in period.episodes:
        if episode.start > last or (episode.end is not None and episode.end < first):
            continue
        ended = _known(episode.end, last)
        placement = placement_in_year(episode.placement, end_year)
        tables["episodes"].append({
            "CHILD": child_id, "DECOM": dmy(episode.start), "RNE": episode.reason_new, "LS": episode.legal_status,
            "CIN": period.need, "PLACE": placement, "PLACE_PROVIDER": episode.provider, "DEC": dmy(ended),
            "REC": episode.reason_ceased if ended else "",
            "REASON_PLACE_CHANGE": episode.reason_place_change if ended else "",
            "HOME_POST": home_post, "PL_POST": "" if placement == "P1" else f"ZZ99 {rng.randint(1, 9)}PZ",
            "URN": episode.urn,
        })
    for review in period.reviews:
        if first <= review <= last:
            code = "PN0" if age_on(child.birth, review) < 4 else rng.choice(REVIEW_CODES)
            tables["reviews"].append({"CHILD": child_id, "DOB": dob, "REVIEW": dmy(review), "REVIEW_CODE": code})
    for kind, start, end in period.missing:
        if first <= start <= last:
            tables["missing"].append({"CHILD": child_id, "DOB": dob, "MISSING": kind, "MIS_START": dmy(start),
                                      "MIS_END": dmy(_known(end, last))})
    for worker, start, end, reason in period.social_workers:
        if start <= last and (end is None or end >= first):
            ended = _known(end, last)
            tables["sw_episodes"].append({"CHILD": child_id, "DOB": dob, "SW_ID": worker, "SW_DECOM": dmy(start),
                                          "SW_DEC": dmy(ended), "SW_REASON": reason if ended else ""})
    # one row per child: a second period starting in the same year adds none (the child's rows come last)
    if first <= period.start <= last and not any(row["CHILD"] == child_id for row in tables["prev_perm"][-1:]):
        previous = "Z1" if rng.random() < 0.88 else rng.choice(["P1", "P2", "P3", "P4"])
        tables["prev_perm"].append({
            "CHILD": child_id, "DOB": dob, "PREV_PERM": previous,
            "LA_PERM": "" if previous == "Z1" else _invented_la(child),
            "DATE_PERM": "" if previous == "Z1" else dmy(period.start - timedelta(days=rng.randint(200, 2000))),
        })
    placed = period.placed_for_adoption
    if placed and placed <= last and (period.end is None or period.end >= first):
        tables["placed_for_adoption"].append({"CHILD": child_id, "DOB": dob, "DATE_PLACED": dmy(placed),
                                              "DATE_PLACED_CEASED": "", "REASON_PLACED_CEASED": ""})
    last_episode = period.episodes[-1]
    if last_episode.reason_ceased in ("E11", "E12") and period.end and first <= period.end <= last:
        couple = rng.random() < 0.8
        tables["ad1"].append({
            "CHILD": child_id, "DOB": dob, "DATE_INT": dmy(period.adoption_decision),
            "DATE_MATCH": dmy(period.adoption_match), "FOSTER_CARE": "1" if rng.random() < 0.15 else "0",
            "NB_ADOPTR": "2" if couple else "1",
            "SEX_ADOPTR": rng.choice(["MF", "MF", "MF", "MM", "FF"]) if couple else rng.choice(["F1", "F1", "M1"]),
            "LS_ADOPTR": rng.choice(["L11", "L11", "L12", "L2"]) if couple else "L0",
        })


def _invented_la(child: Child) -> str:
    """An invented LA for a previous permanence order: a code that is not a real LA's (9xx)."""
    return f"9{child.number % 90 + 10:02d}"


def _looked_after_a_year(periods: list[CarePeriod], last: date) -> bool:
    """Looked after continuously for 12 months or more at 31 March (the OC2 cohort)."""
    return any(
        period.start <= last - timedelta(days=365) and (period.end is None or period.end > last)
        for period in periods
    )


def _oc2_row(rng: random.Random, child: Child, last: date) -> dict:
    age = age_on(child.birth, last)
    sdq = 4 <= age <= 16 and rng.random() < 0.8
    misuse = age >= 11 and rng.random() < 0.05

    def flag(chance: float) -> str:
        return "1" if rng.random() < chance else "0"

    return {
        "CHILD": child.child_id, "DOB": dmy(child.birth),
        "SDQ_SCORE": str(rng.randint(0, 35)) if sdq else "",
        "SDQ_REASON": "" if sdq else ("SDQ1" if not 4 <= age <= 16 else rng.choice(["SDQ2", "SDQ4", "SDQ5"])),
        "CONVICTED": flag(0.03) if age >= 10 else "0", "HEALTH_CHECK": flag(0.9), "IMMUNISATIONS": flag(0.85),
        "TEETH_CHECK": flag(0.8), "HEALTH_ASSESSMENT": flag(0.9), "SUBSTANCE_MISUSE": "1" if misuse else "0",
        "INTERVENTION_RECEIVED": flag(0.6) if misuse else "", "INTERVENTION_OFFERED": flag(0.9) if misuse else "",
    }
