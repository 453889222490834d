"""Workforce HR extract in CSWW terms (FORMATS.md 2.2): workers.csv, establishment.csv, caseloads.csv.

Funded posts are split over teams and roles. Each permanent post is held by a succession of workers whose
time in post is exponential with the mean that gives the target turnover; the post is refilled the next day,
so the vacant share of funded FTE is the target vacancy rate. Agency workers cover on top, in the proportion
that gives the target agency rate. Case holders hold about the target caseload per FTE at each month end.
"""

import random
from datetime import date, timedelta
from pathlib import Path

from sources.synthetic.calendar import dmy
from sources.synthetic.ccis import month_ends
from sources.synthetic.ssda903 import write_csv
from sources.synthetic.targets import Targets

WORKERS_COLUMNS = ["SWENo", "Team", "OrgRole", "AgencyWorker", "FTE", "RoleStartDate", "RoleEndDate",
                   "ReasonLeave", "StartOrigin", "LeaverDestination"]
ESTABLISHMENT_COLUMNS = ["Team", "OrgRole", "EffectiveFrom", "FundedFTE"]
CASELOAD_COLUMNS = ["SWENo", "SnapshotDate", "Cases"]
TEAM_NAMES = ["Front Door", "Assessment", "Safeguarding", "Children in Care", "Leaving Care", "Disabled Children"]
# Share of a team's posts by CSWW role: 5 case holder, 4 senior practitioner, 3 first-line manager,
# 6 qualified without cases, 2 middle manager.
ROLE_SHARES = {"5": 0.66, "4": 0.12, "3": 0.12, "6": 0.06, "2": 0.04}
CASE_HOLDER = "5"
# England has about 29.7 permanent social work FTE per 10,000 children (CSWW 2025).
PERMANENT_FTE_PER_10K = 29.7
REASONS_LEAVE = {"1": 65, "5": 8, "7": 8, "8": 10, "9": 9}
START_ORIGINS = {"1": 20, "2": 40, "3": 3, "4": 12, "5": 5, "6": 8, "7": 4, "8": 3, "9": 5}
LEAVER_DESTINATIONS = {"1": 35, "2": 8, "3": 15, "4": 10, "5": 5, "6": 12, "7": 5, "8": 5, "9": 5}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def write_workforce(targets: Targets, first: date, last: date, folder: Path, seed: int, id_prefix: str) -> list[Path]:
    """Write the three workforce files for the LA from `first` (start of the data) to `last`."""
    rng = random.Random(f"{seed}:{targets.la_code}:workforce")
    permanent_fte = targets.population / 10_000 * PERMANENT_FTE_PER_10K
    teams = max(len(TEAM_NAMES), round(permanent_fte / 18))
    team_names = [f"{TEAM_NAMES[index % len(TEAM_NAMES)]} {index // len(TEAM_NAMES) + 1}" for index in range(teams)]
    vacancy, agency = min(60.0, targets.sw_vacancy_pct) / 100, min(60.0, targets.sw_agency_pct) / 100
    established = first - timedelta(days=365)
    workers: list[dict] = []
    establishment: list[dict] = []
    case_holders: list[dict] = []

    posts = [
        (team, role, rng.choice([1.0, 1.0, 1.0, 1.0, 0.8, 0.6]))
        for team in team_names for role, share in ROLE_SHARES.items()
        for _ in range(max(1, round(permanent_fte / teams * share)))
    ]
    for team in team_names:
        for role in ROLE_SHARES:
            funded = sum(fte for post_team, post_role, fte in posts if (post_team, post_role) == (team, role))
            establishment.append({"Team": team, "OrgRole": role, "EffectiveFrom": dmy(established),
                                  "FundedFTE": f"{funded / (1 - vacancy):.2f}"})

    def staff(team: str, role: str, is_agency: bool, fte: float, first_change: date, tenure: timedelta) -> None:
        """The succession of workers in one post: each leaves after `tenure` (give or take a month) and the
        post is refilled the next day."""
        start, end = established - timedelta(days=rng.randint(0, 200 if is_agency else 3650)), first_change
        while start <= last:
            ended = end <= last
            worker = {
                "SWENo": f"SW{id_prefix}{len(workers) + 1:06d}", "Team": team, "OrgRole": role,
                "AgencyWorker": "1" if is_agency else "0", "FTE": f"{fte:.1f}", "RoleStartDate": dmy(start),
                "RoleEndDate": dmy(end) if ended else "",
                "ReasonLeave": _pick(rng, REASONS_LEAVE) if ended and not is_agency else "",
                "StartOrigin": _pick(rng, START_ORIGINS) if not is_agency else "",
                "LeaverDestination": _pick(rng, LEAVER_DESTINATIONS) if ended and not is_agency else "",
            }
            workers.append(worker)
            if role == CASE_HOLDER:
                case_holders.append({"worker": worker, "start": start, "end": end if ended else None, "fte": fte})
            start = end + timedelta(days=1)
            end = start + tenure + timedelta(days=rng.randint(-30, 30))

    # Leaving dates are spread evenly over a tenure across posts, so turnover in any 12 months is on target
    # rather than a small-number draw.
    tenure = timedelta(days=round(365.25 * 100 / max(2.0, targets.sw_turnover_pct)))
    for index, (team, role, fte) in enumerate(posts):
        staff(team, role, False, fte, established + tenure * (index + 0.5) / len(posts), tenure)
    case_holding_posts = [post for post in posts if post[1] == CASE_HOLDER]
    agency_posts = round(sum(fte for _, _, fte in posts) * agency / (1 - agency))
    agency_tenure = timedelta(days=240)
    for index in range(agency_posts):
        team, role, _ = case_holding_posts[index % len(case_holding_posts)]
        staff(team, role, True, 1.0, established + agency_tenure * (index + 0.5) / agency_posts, agency_tenure)

    caseloads = []
    for snapshot in month_ends(first, last):
        for holder in case_holders:
            if holder["start"] <= snapshot and (holder["end"] is None or holder["end"] > snapshot):
                cases = round(holder["fte"] * targets.sw_caseload * rng.uniform(0.6, 1.4))
                caseloads.append({"SWENo": holder["worker"]["SWENo"], "SnapshotDate": dmy(snapshot), "Cases": cases})

    paths = [folder / "workers.csv", folder / "establishment.csv", folder / "caseloads.csv"]
    write_csv(paths[0], WORKERS_COLUMNS, workers)
    write_csv(paths[1], ESTABLISHMENT_COLUMNS, establishment)
    write_csv(paths[2], CASELOAD_COLUMNS, caseloads)
    return paths
