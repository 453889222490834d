"""A small synthetic SSDA903 extract (header and episodes) for tests and the demo.

Every child is invented. Each has one or two periods of care made of consecutive episodes (a change of
placement or legal status ends one episode with X1 and starts the next on the same day), a few have only
short-break (V3) episodes, and some periods are still open at the reference date. The full calibrated
generator for every extract family is `csdw generate` (issue 3); this one is just enough to exercise the
SSDA903 slice end to end.
"""

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODE_COLUMNS = [
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
]

LEGAL_STATUSES = {"C2": 45, "V2": 25, "C1": 17, "E1": 6, "J1": 2, "L1": 2, "V3": 3}
PLACEMENTS = {"U6": 30, "U4": 20, "U3": 10, "K2": 12, "P1": 8, "R1": 3, "U1": 7, "A4": 3, "S1": 2, "Z1": 5}
NEEDS = {"N1": 60, "N4": 10, "N5": 12, "N2": 5, "N3": 4, "N6": 3, "N7": 1, "N8": 5}
ETHNICITIES = {"WBRI": 70, "WOTH": 5, "MWBC": 5, "MOTH": 4, "AIND": 2, "APKN": 3, "BAFR": 4, "BCRB": 2, "OOTH": 5}
PERIOD_ENDINGS = {"E4A": 35, "E13": 10, "E11": 10, "E45": 8, "E41": 7, "E8": 10, "E5": 10, "E17": 10}
PROVIDERS = {"U": "PR1", "K": "PR4", "P": "PR0", "R": "PR4", "A": "PR1", "S": "PR4", "Z": ""}


@dataclass(frozen=True)
class Extract:
    header_csv: Path
    episodes_csv: Path
    children: int
    episodes: int


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _child_episodes(rng: random.Random, child: str, birth: date, first_day: date, reference: date) -> list[dict]:
    episodes: list[dict] = []
    start = max(birth, first_day) + timedelta(days=rng.randrange(0, max(1, (reference - first_day).days)))
    is_short_breaks = rng.random() < 0.04
    for period in range(1 if rng.random() < 0.85 else 2):
        if start > reference:
            break
        legal_status = "V3" if is_short_breaks else _pick(rng, {k: v for k, v in LEGAL_STATUSES.items() if k != "V3"})
        reason_new, placement, need = "S", None, _pick(rng, NEEDS)
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            if reason_new != "L":
                placement = "U6" if is_short_breaks else _pick(rng, PLACEMENTS)
            length = timedelta(days=rng.randint(2, 45) if is_short_breaks else rng.randint(20, 700))
            episode = {
                "CHILD": child, "DECOM": start, "RNE": reason_new, "LS": legal_status, "CIN": need,
                "PLACE": placement, "PLACE_PROVIDER": PROVIDERS[placement[0]], "DEC": None, "REC": "",
                "REASON_PLACE_CHANGE": "", "HOME_POST": f"ZZ99 {rng.randint(1, 9)}HZ",
                "PL_POST": f"ZZ99 {rng.randint(1, 9)}PZ", "URN": "SC" + str(rng.randint(100000, 999999)),
            }
            episodes.append(episode)
            end = start + length
            if end > reference:
                return episodes
            episode["DEC"], episode["REC"] = end, "X1"
            start = end
            reason_new = rng.choice(["P", "P", "P", "L", "T", "B"])
            if reason_new != "L":
                episode["REASON_PLACE_CHANGE"] = "CARPL"
            if reason_new in ("L", "B", "U") and not is_short_breaks:
                legal_status = _pick(rng, {"C2": 60, "E1": 20, "V2": 20})
        episodes[-1]["REC"], episodes[-1]["REASON_PLACE_CHANGE"] = _pick(rng, PERIOD_ENDINGS), ""
        start = episodes[-1]["DEC"] + timedelta(days=rng.randint(30, 900))
    return episodes


def generate_ssda903(out_dir: Path, children: int = 300, seed: int = 1, reference: date = date(2025, 3, 31)) -> Extract:
    """Write `header.csv` and `episodes.csv` for `children` invented children into `out_dir/ssda903/`."""
    rng = random.Random(seed)
    first_day = date(reference.year - 4, 4, 1)
    headers, episodes = [], []
    for number in range(1, children + 1):
        child = f"SYN{number:06d}"
        birth = first_day - timedelta(days=rng.randint(0, 16 * 365)) + timedelta(days=rng.randint(0, 3 * 365))
        child_episodes = _child_episodes(rng, child, birth, first_day, reference)
        if not child_episodes:
            continue
        sex = rng.choice(["M", "F"])
        headers.append({
            "CHILD": child, "SEX": sex, "DOB": _dmy(birth), "ETHNIC": _pick(rng, ETHNICITIES),
            "UPN": f"A{rng.randint(10**11, 10**12 - 1)}", "MOTHER": "0" if sex == "F" else "", "MC_DOB": "",
        })
        episodes.extend(
            {**episode, "DECOM": _dmy(episode["DECOM"]), "DEC": _dmy(episode["DEC"])} for episode in child_episodes
        )
    folder = out_dir / "ssda903"
    folder.mkdir(parents=True, exist_ok=True)
    extract = Extract(folder / "header.csv", folder / "episodes.csv", len(headers), len(episodes))
    write_csv(extract.header_csv, HEADER_COLUMNS, headers)
    write_csv(extract.episodes_csv, EPISODE_COLUMNS, episodes)
    return extract


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
