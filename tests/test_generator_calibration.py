"""`csdw generate --scale medium` reproduces the England rates it is calibrated to.

Each rate is computed here straight from the generated files (XML parsed with lxml, CSVs with the csv module),
by the MEASURES.md definitions and independently of the warehouse's models, then compared with the target
in `calibration_targets.csv` within +-15% relative.
"""

import csv
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays
import numpy as np
import pytest
from lxml import etree

from sources.synthetic.build_targets import TARGETS_CSV
from sources.synthetic.generate import generate

TOLERANCE = 0.15
PERIOD_END = date(2025, 3, 31)
YEAR_START = date(2024, 4, 1)
WORKFORCE_DATE = date(2024, 9, 30)
EET = {"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"}
NEET = {"540", "610", "615", "616", "619", "620", "630", "640", "650", "660", "670", "680"}
NOT_KNOWN = {"810", "820", "830"}


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("medium")
    generate(out, "medium", seed=1, show_progress=False)
    return out


@pytest.fixture(scope="module")
def targets() -> dict[str, float]:
    with TARGETS_CSV.open(newline="") as handle:
        rows = {row["la_code"]: row for row in csv.DictReader(handle)}
    england = {name: float(value) for name, value in rows["england"].items() if name.endswith(("pct", "10k", "load"))}
    return england | {"population": float(rows["838"]["population_0_17"])}


def _date(text: str | None) -> date | None:
    if not text:
        return None
    return datetime.strptime(text, "%d/%m/%Y" if "/" in text else "%Y-%m-%d").date()


def _open_at(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or end > day)


def _read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _text(element, tag: str) -> str | None:
    found = element.find(tag)
    return found.text if found is not None else None


def _cin_children(medium: Path) -> dict[str, list]:
    """Every child's CIN details across the census files, the latest year's record of an episode winning."""
    episodes: dict[str, dict[date, etree._Element]] = defaultdict(dict)
    for path in sorted((medium / "cin").glob("*.xml")):
        for child in etree.parse(str(path)).getroot().iter("Child"):
            child_id = child.findtext("ChildIdentifiers/LAchildID")
            for details in child.iter("CINdetails"):
                episodes[child_id][_date(details.findtext("CINreferralDate"))] = details
    return episodes


@pytest.fixture(scope="module")
def cin(medium) -> dict[str, dict]:
    return _cin_children(medium)


def _within(value: float, target: float) -> bool:
    return abs(value - target) <= TOLERANCE * target


def _assert_calibrated(name: str, value: float, target: float) -> None:
    assert _within(value, target), f"{name}: generated {value:.1f}, target {target:.1f} (+-{TOLERANCE:.0%})"


def test_children_in_need_per_10k_at_31_march(cin, targets):
    open_children = sum(
        any(_open_at(referral, _date(details.findtext("CINclosureDate")), PERIOD_END)
            for referral, details in episodes.items())
        for episodes in cin.values()
    )
    _assert_calibrated("CIN per 10k", open_children * 10_000 / targets["population"], targets["cin_per_10k"])


def test_child_protection_plans_per_10k_at_31_march(cin, targets):
    on_plan = sum(
        any(_open_at(_date(plan.findtext("CPPstartDate")), _date(plan.findtext("CPPendDate")), PERIOD_END)
            for details in episodes.values() for plan in details.iter("ChildProtectionPlans"))
        for episodes in cin.values()
    )
    _assert_calibrated("CP per 10k", on_plan * 10_000 / targets["population"], targets["cp_per_10k"])


def test_rereferrals_within_12_months(cin, targets):
    referrals = rereferrals = 0
    for episodes in cin.values():
        dates = sorted(episodes)
        for referral in dates:
            if YEAR_START <= referral <= PERIOD_END:
                referrals += 1
                year_before = _birthday(referral, referral.year - 1)
                rereferrals += any(year_before <= earlier < referral for earlier in dates)
    _assert_calibrated("re-referrals %", 100 * rereferrals / referrals, targets["rereferral_pct"])


def test_assessments_within_45_working_days(cin, targets):
    bank_holidays = [day for day in holidays.country_holidays("GB", subdiv="ENG", years=range(2023, 2026))]
    completed = on_time = 0
    for episodes in cin.values():
        for details in episodes.values():
            for assessment in details.iter("Assessments"):
                authorised = _date(assessment.findtext("AssessmentAuthorisationDate"))
                if authorised and YEAR_START <= authorised <= PERIOD_END:
                    started = _date(assessment.findtext("AssessmentActualStartDate"))
                    # working days after the start, up to and including the authorisation date
                    days = np.busday_count(started + timedelta(days=1), authorised + timedelta(days=1),
                                           holidays=bank_holidays)
                    completed += 1
                    on_time += days <= 45
    _assert_calibrated("assessments in 45 working days %", 100 * on_time / completed,
                       targets["assessments_45wd_pct"])


def test_repeat_child_protection_plans(cin, targets):
    starts = repeats = 0
    for episodes in cin.values():
        plans = [plan for details in episodes.values() for plan in details.iter("ChildProtectionPlans")]
        plan_starts = [_date(plan.findtext("CPPstartDate")) for plan in plans]
        for plan, start in zip(plans, plan_starts, strict=True):
            if YEAR_START <= start <= PERIOD_END:
                starts += 1
                repeats += any(other < start for other in plan_starts) or int(
                    plan.findtext("NumberOfPreviousCPP") or 0) > 0
    _assert_calibrated("repeat CP plans %", 100 * repeats / starts, targets["cp_repeat_pct"])


@pytest.fixture(scope="module")
def episodes_by_child(medium) -> dict[str, list[dict]]:
    """SSDA903 episodes across the years, the latest year's record of an episode winning."""
    by_child: dict[str, dict[date, dict]] = defaultdict(dict)
    for path in sorted((medium / "ssda903").glob("ssda903_????-??_episodes.csv")):
        for row in _read_csv(path):
            by_child[row["CHILD"]][_date(row["DECOM"])] = row
    return {child: [rows[start] for start in sorted(rows)] for child, rows in by_child.items()}


def test_children_looked_after_per_10k_at_31_march(episodes_by_child, targets):
    looked_after = sum(
        any(_open_at(_date(row["DECOM"]), _date(row["DEC"]), PERIOD_END) for row in rows)
        for rows in episodes_by_child.values()
    )
    _assert_calibrated("CLA per 10k", looked_after * 10_000 / targets["population"], targets["cla_per_10k"])


def test_three_or_more_placements_in_the_year(episodes_by_child, targets):
    looked_after = three_plus = 0
    for rows in episodes_by_child.values():
        if not any(_open_at(_date(row["DECOM"]), _date(row["DEC"]), PERIOD_END) for row in rows):
            continue
        looked_after += 1
        open_at_start = any(
            _date(row["DECOM"]) < YEAR_START and (not row["DEC"] or _date(row["DEC"]) >= YEAR_START) for row in rows)
        new = sum(YEAR_START <= _date(row["DECOM"]) <= PERIOD_END and row["RNE"] in "SPTBU" for row in rows)
        three_plus += open_at_start + new >= 3
    _assert_calibrated("3+ placements %", 100 * three_plus / looked_after, targets["cla_3plus_placements_pct"])


def test_long_term_placement_stability(medium, episodes_by_child, targets):
    births = {}
    for path in (medium / "ssda903").glob("ssda903_*_header.csv"):
        births |= {row["CHILD"]: _date(row["DOB"]) for row in _read_csv(path)}
    two_and_a_half_years_before = date(2022, 9, 30)
    two_years_before = date(2023, 3, 31)
    eligible = stable = 0
    for child, rows in episodes_by_child.items():
        birth = births[child]
        if not rows or not _open_at(_date(rows[-1]["DECOM"]), _date(rows[-1]["DEC"]), PERIOD_END):
            continue
        if (PERIOD_END.year - birth.year - ((birth.month, birth.day) > (3, 31))) >= 16:
            continue
        period_start = len(rows) - 1
        while period_start > 0 and rows[period_start - 1]["DEC"] == rows[period_start]["DECOM"]:
            period_start -= 1
        if _date(rows[period_start]["DECOM"]) > two_and_a_half_years_before:
            continue
        eligible += 1
        # no placement start in the files: the placement started before the earliest year
        placement_start = max((_date(row["DECOM"]) for row in rows[period_start:] if row["RNE"] in "SPB"),
                              default=date.min)
        stable += placement_start <= two_years_before
    _assert_calibrated("long-term stability %", 100 * stable / eligible, targets["cla_long_term_stability_pct"])


def _birthday(birth: date, year: int) -> date:
    return date(year, 3, 1) if (birth.month, birth.day) == (2, 29) else birth.replace(year=year)


def _care_leavers_19_to_21(medium: Path) -> list[dict]:
    """OC3 records of young people aged 19, 20 or 21 on their birthday in the year."""
    aged = []
    for row in _read_csv(medium / "ssda903" / "ssda903_2024-25_oc3.csv"):
        birth = _date(row["DOB"])
        for year in (YEAR_START.year, PERIOD_END.year):
            if YEAR_START <= _birthday(birth, year) <= PERIOD_END and 19 <= year - birth.year <= 21:
                aged.append(row)
    return aged


def test_care_leavers_19_to_21_in_education_employment_or_training(medium, targets):
    leavers = _care_leavers_19_to_21(medium)
    eet = sum(row["ACTIV"] in EET for row in leavers)
    _assert_calibrated("care leavers 19-21 EET %", 100 * eet / len(leavers), targets["care_leavers_19_21_eet_pct"])


def test_care_leavers_19_to_21_in_suitable_accommodation(medium, targets):
    leavers = _care_leavers_19_to_21(medium)
    suitable = sum(row["ACCOM"].endswith("1") for row in leavers)
    _assert_calibrated("care leavers 19-21 suitable accommodation %", 100 * suitable / len(leavers),
                       targets["care_leavers_19_21_suitable_accom_pct"])


def test_ehcps_issued_within_20_weeks(medium, targets):
    root = etree.parse(str(medium / "sen2" / "sen2_2025.xml")).getroot()
    plans = on_time = 0
    for request in root.iter("Request"):
        start = _date(request.findtext("Assessment/NamedPlan/StartDate"))
        if start is None or start.year != 2024 or request.findtext("Assessment/Week20") == "1":
            continue
        plans += 1
        on_time += (start - _date(request.findtext("ReceivedDate"))).days <= 140
    _assert_calibrated("EHCPs within 20 weeks %", 100 * on_time / plans, targets["ehcp_20wk_pct"])


def test_neet_or_not_known_at_16_and_17(medium, targets):
    cohort = neet_or_not_known = 0
    for month in ("2024-12", "2025-01", "2025-02"):
        for row in _read_csv(medium / "nccis" / f"ccis_{month}.csv"):
            birth, snapshot = _date(row["DOB"]), _date(row["SNAPSHOT_DATE"])
            august = date(snapshot.year if snapshot.month >= 9 else snapshot.year - 1, 8, 31)
            academic_age = august.year - birth.year - ((august.month, august.day) < (birth.month, birth.day))
            if academic_age in (16, 17):
                cohort += 1
                neet_or_not_known += row["ACTIVITY"] in NEET | NOT_KNOWN
    _assert_calibrated("NEET or not known 16-17 %", 100 * neet_or_not_known / cohort, targets["neet_nk_16_17_pct"])


@pytest.fixture(scope="module")
def workforce(medium) -> dict[str, list[dict]]:
    folder = medium / "workforce"
    return {name: _read_csv(folder / f"{name}.csv") for name in ("workers", "establishment", "caseloads")}


def _in_post(worker: dict, day: date) -> bool:
    return _open_at(_date(worker["RoleStartDate"]), _date(worker["RoleEndDate"]), day)


def test_social_worker_vacancy_rate(workforce, targets):
    permanent = defaultdict(float)
    for worker in workforce["workers"]:
        if worker["AgencyWorker"] == "0" and _in_post(worker, WORKFORCE_DATE):
            permanent[worker["Team"], worker["OrgRole"]] += float(worker["FTE"])
    funded = {(row["Team"], row["OrgRole"]): float(row["FundedFTE"]) for row in workforce["establishment"]
              if _date(row["EffectiveFrom"]) <= WORKFORCE_DATE}
    vacant = sum(max(0.0, fte - permanent[key]) for key, fte in funded.items())
    _assert_calibrated("vacancy %", 100 * vacant / sum(funded.values()), targets["sw_vacancy_pct"])


def test_social_worker_agency_rate(workforce, targets):
    fte = defaultdict(float)
    for worker in workforce["workers"]:
        if _in_post(worker, WORKFORCE_DATE):
            fte[worker["AgencyWorker"]] += float(worker["FTE"])
    _assert_calibrated("agency %", 100 * fte["1"] / (fte["0"] + fte["1"]), targets["sw_agency_pct"])


def test_social_worker_turnover_rate(workforce, targets):
    year_before = date(2023, 9, 30)
    permanent = [worker for worker in workforce["workers"] if worker["AgencyWorker"] == "0"]
    in_post = sum(float(worker["FTE"]) for worker in permanent if _in_post(worker, WORKFORCE_DATE))
    leavers = sum(float(worker["FTE"]) for worker in permanent
                  if worker["RoleEndDate"] and year_before < _date(worker["RoleEndDate"]) <= WORKFORCE_DATE)
    _assert_calibrated("turnover %", 100 * leavers / in_post, targets["sw_turnover_pct"])


def test_average_caseload(workforce, targets):
    fte = {worker["SWENo"]: float(worker["FTE"]) for worker in workforce["workers"]}
    snapshot = [row for row in workforce["caseloads"] if _date(row["SnapshotDate"]) == WORKFORCE_DATE]
    cases = sum(int(row["Cases"]) for row in snapshot if int(row["Cases"]) > 0)
    holders_fte = sum(fte[row["SWENo"]] for row in snapshot if int(row["Cases"]) > 0)
    _assert_calibrated("caseload", cases / holders_fte, targets["sw_caseload"])
