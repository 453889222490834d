"""CCIS monthly activity CSV (FORMATS.md 2.1): one file per month end, every young person of academic age
16-17 living in the LA, with their NCCIS current activity.

Each young person gets one activity per academic year (from 1 September), and some change activity part-way
through. The share who are NEET or whose activity is not known follows the LA's target; children known to
children's social care carry their LAchildID, and the LAC / care-leaver / SEND flags come from their history.
"""

import csv
import random
from bisect import bisect_right
from datetime import date, timedelta
from pathlib import Path

from sources.synthetic.calendar import add_years, dmy
from sources.synthetic.life_course import Child, EvenShare, Population

COLUMNS = ["YPID", "LAchildID", "DOB", "LA", "SNAPSHOT_DATE", "ACTIVITY", "ACTIVITY_START", "SEND", "LAC",
           "CARE_LEAVER"]
IN_EDUCATION_OR_WORK = {"210": 40, "220": 14, "230": 30, "280": 1, "310": 7, "320": 1, "330": 2, "340": 1,
                        "360": 1, "410": 2, "460": 1}
NEET = {"540": 2, "610": 5, "619": 50, "620": 5, "630": 5, "640": 15, "650": 3, "670": 10, "680": 5}
NOT_KNOWN = {"810": 60, "820": 30, "830": 10}
# England's NEET and not-known shares of the NEET-or-not-known headline (3.4% and 2.2% of 5.6%).
NEET_SHARE = 3.4 / 5.6


def ccis_file_name(month_end: date) -> str:
    return f"ccis_{month_end:%Y-%m}.csv"


def month_ends(first: date, last: date) -> list[date]:
    """Every month end from `first`'s month to the last one on or before `last`."""
    ends, year, month = [], first.year, first.month
    while True:
        following = date(year + month // 12, month % 12 + 1, 1)
        end = following - timedelta(days=1)
        if end > last:
            return ends
        ends.append(end)
        year, month = following.year, following.month


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Activities:
    """Each young person's activities in one academic year: [(from date, code)], drawn once."""

    def __init__(self, rng: random.Random, neet_not_known: float):
        self._rng = rng
        self._neet_not_known = EvenShare(neet_not_known)

    def draw(self, september: date) -> list[tuple[date, str]]:
        rng = self._rng
        spells = [(september, self._code())]
        if rng.random() < 0.15:
            spells.append((september + timedelta(days=rng.randint(30, 300)), self._code()))
        return spells

    def _code(self) -> str:
        rng = self._rng
        if not self._neet_not_known.next():
            return _pick(rng, IN_EDUCATION_OR_WORK)
        return _pick(rng, NEET) if rng.random() < NEET_SHARE else _pick(rng, NOT_KNOWN)


def write_ccis(population: Population, first: date, last: date, folder: Path, seed: int,
               neet_not_known_pct: float) -> list[Path]:
    """Write the monthly files for every month end between `first` and `last`."""
    rng = random.Random(f"{seed}:{population.la_code}:ccis")
    activities = _Activities(rng, neet_not_known_pct / 100)
    births = population.births
    by_year: dict[date, tuple[range, list[list[tuple[date, str]]]]] = {}
    paths = []
    for snapshot in month_ends(first, last):
        september = date(snapshot.year if snapshot.month >= 9 else snapshot.year - 1, 9, 1)
        if september not in by_year:
            august = september - timedelta(days=1)
            # academic age 16-17: aged 16 or 17 on the 31 August before the academic year
            cohort = range(bisect_right(births, add_years(august, -18)), bisect_right(births, add_years(august, -16)))
            by_year[september] = (cohort, [activities.draw(september) for _ in cohort],
                                  [dmy(births[number]) for number in cohort])
        cohort, spells, birth_texts = by_year[september]
        snapshot_text = dmy(snapshot)
        path = folder / ccis_file_name(snapshot)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for number, person_spells, birth_text in zip(cohort, spells, birth_texts, strict=True):
                start, activity = person_spells[0]
                if len(person_spells) > 1 and person_spells[1][0] <= snapshot:
                    start, activity = person_spells[1]
                writer.writerow(_row(population, number, birth_text, snapshot, snapshot_text, start, activity))
        paths.append(path)
    return paths


def _row(population: Population, number: int, birth_text: str, snapshot: date, snapshot_text: str, start: date,
         activity: str) -> list:
    child: Child | None = population.known.get(number)
    send = "SEN_SUPPORT" if number in population.sen_support else "NONE"
    known_id, looked_after, care_leaver = "", "N", "N"
    if child is not None:
        if child.cin and child.cin[0].referral <= snapshot:
            known_id = child.child_id
        request = child.ehcp
        if request and request.plan_start and request.plan_start <= snapshot and (
                request.cease is None or request.cease > snapshot):
            send = "EHCP"
        if any(period.start <= snapshot and (period.end is None or period.end > snapshot) for period in child.care):
            looked_after = "Y"
        if child.care_left is not None and child.care_left <= snapshot:
            care_leaver = "Y"
    return [f"{population.id_prefix}{number:09d}", known_id, birth_text, population.la_code, snapshot_text,
            activity, dmy(start), send, looked_after, care_leaver]

