"""`--defects`: realistic faults injected into clean generated files at known rows, listed in
`defects_manifest.csv` at the output root (columns and row semantics in `sources/README.md`).

Faults are written over copies of clean rows in place (a duplicate row is appended), so line numbers do not
move and every other row stays byte-identical to the clean output. A separate seeded RNG picks the rows, so
the clean output does not depend on whether defects were asked for. In a regional pool the faults go into
the first LA's files.
"""

import csv
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sources.contracts import RULE_COLUMNS, RULE_DATE, RULE_MANDATORY, RULE_NOT_FUTURE, RULE_READABLE, code_list_rule

# Rule texts in the contracts' own words (sources/contracts.py and the family readers), so a test can match
# each manifest row with what the contract reports.
MANIFEST = "defects_manifest.csv"
MANIFEST_COLUMNS = ["family", "file", "row", "field", "defect", "rule"]
REPAIRED = "repaired at ingest"
XML_VALUE = re.compile(r"^(\s*<(\w+)>)([^<]*)(</\2>)\s*$")
XML_LEAF = re.compile(r"<(\w+)>([^<\n]+)</\1>")


@dataclass(frozen=True)
class Defect:
    family: str
    file: str
    row: int | None
    field: str
    defect: str
    rule: str


class _CsvFile:
    """A CSV file held as lines, edited cell by cell without moving any line."""

    def __init__(self, path: Path):
        self.path = path
        self.lines = path.read_text(encoding="utf-8").splitlines()
        self.columns = self.lines[0].split(",")

    def cells(self, line_number: int) -> list[str]:
        return self.lines[line_number - 1].split(",")

    def get(self, line_number: int, column: str) -> str:
        return self.cells(line_number)[self.columns.index(column)]

    def set(self, line_number: int, column: str, value: str) -> None:
        cells = self.cells(line_number)
        cells[self.columns.index(column)] = value
        self.lines[line_number - 1] = ",".join(cells)

    def save(self) -> None:
        self.path.write_text("\r\n".join(self.lines) + "\r\n", encoding="utf-8")


class _XmlFile:
    """An XML file written one element per line; values are replaced on their own line."""

    def __init__(self, path: Path):
        self.path = path
        self.lines = path.read_text(encoding="utf-8").split("\n")

    def lines_of(self, tag: str) -> list[int]:
        return [number for number, line in enumerate(self.lines, start=1) if line.lstrip().startswith(f"<{tag}>")]

    def get(self, line_number: int) -> str:
        return XML_VALUE.match(self.lines[line_number - 1]).group(3)

    def set(self, line_number: int, value: str) -> None:
        match = XML_VALUE.match(self.lines[line_number - 1])
        self.lines[line_number - 1] = f"{match.group(1)}{value}{match.group(4)}"

    def save(self) -> None:
        self.path.write_text("\n".join(self.lines), encoding="utf-8")


class _Injector:
    def __init__(self, out: Path, seed: int, reference: date):
        self.out = out
        self.rng = random.Random(f"{seed}:defects")
        self.reference = reference
        self.defects: list[Defect] = []

    def record(self, family: str, path: Path, row: int | None, field: str, defect: str, rule: str) -> None:
        self.defects.append(Defect(family, path.relative_to(self.out).as_posix(), row, field, defect, rule))

    def rows(self, count: int, candidates: list[int]) -> list[int]:
        return self.rng.sample(candidates, min(count, len(candidates)))


def _family_files(out: Path, family: str, pattern: str) -> list[Path]:
    """The family's files matching `pattern`, of the single LA or, in a region, of the LA with the most data
    in that family (a small LA's tables can be empty)."""
    folder = out / family
    la_folders = [path for path in folder.iterdir() if path.is_dir()]
    if la_folders:
        folder = max(sorted(la_folders), key=lambda la: sum(path.stat().st_size for path in la.iterdir()))
    return sorted(folder.glob(pattern))


def _csv_date(text: str) -> date:
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


def _shift(text: str, days: int) -> str:
    return (_csv_date(text) + timedelta(days=days)).strftime("%d/%m/%Y")


def _ssda903(injector: _Injector) -> None:
    family = "ssda903"
    episodes_files = _family_files(injector.out, family, "ssda903_????-??_episodes.csv")
    header_files = _family_files(injector.out, family, "ssda903_????-??_header.csv")
    episodes = _CsvFile(episodes_files[-1])
    data_rows = range(2, len(episodes.lines) + 1)
    closed = [row for row in data_rows if episodes.get(row, "DEC")]
    open_rows = [row for row in data_rows if not episodes.get(row, "DEC")]
    # an episode that follows the same child's previous one, which lasted long enough to overlap
    follows_same_child = [
        row for row in data_rows
        if row > 2 and episodes.get(row - 1, "CHILD") == episodes.get(row, "CHILD")
        and episodes.get(row - 1, "DEC") == episodes.get(row, "DECOM")
        and (_csv_date(episodes.get(row, "DECOM")) - _csv_date(episodes.get(row - 1, "DECOM"))).days > 30
    ]
    # a child's only episode in the file: a changed start or identifier interacts with no other row
    only_episode = [
        row for row in data_rows
        if episodes.get(row - 1, "CHILD") != episodes.get(row, "CHILD")
        and (row == len(episodes.lines) or episodes.get(row + 1, "CHILD") != episodes.get(row, "CHILD"))
    ]
    only_episode_open = [row for row in only_episode if row in open_rows]
    used: set[int] = set()

    def pick(candidates: list[int]) -> int | None:
        choices = [row for row in candidates if row not in used and row - 1 not in used and row + 1 not in used]
        if not choices:
            return None
        row = injector.rng.choice(choices)
        used.add(row)
        return row

    edits = [
        ("PLACE", "invalid_code", code_list_rule("ssda903_placement_type"), closed + open_rows,
         lambda row: "Q9"),
        ("DEC", "dec_before_decom", "DEC is on or after DECOM", closed,
         lambda row: _shift(episodes.get(row, "DECOM"), -20)),
        ("DECOM", "overlapping_episodes", "a child's episodes do not overlap", follows_same_child,
         lambda row: _shift(episodes.get(row, "DECOM"), -10)),
        ("DECOM", "future_date", RULE_NOT_FUTURE, only_episode_open,
         lambda row: (injector.reference + timedelta(days=200)).strftime("%d/%m/%Y")),
        ("DECOM", "wrong_date_format", RULE_DATE, closed + open_rows,
         lambda row: "2024/13/45"),
        ("LS", "missing_mandatory", RULE_MANDATORY, closed + open_rows, lambda row: ""),
        ("CHILD", "identifier_float_suffix", REPAIRED, only_episode,
         lambda row: episodes.get(row, "CHILD") + ".0"),
    ]
    leading_zeros = [row for row in only_episode if episodes.get(row, "CHILD").startswith("0")]
    if leading_zeros:
        edits.append(("CHILD", "identifier_leading_zeros_lost", REPAIRED, leading_zeros,
                      lambda row: episodes.get(row, "CHILD").lstrip("0")))
    for field, kind, rule, candidates, new_value in edits:
        row = pick(candidates)
        if row is None:
            continue
        episodes.set(row, field, new_value(row))
        injector.record(family, episodes.path, row, field, kind, rule)
    episodes.save()

    header = _CsvFile(header_files[-1])
    copied = injector.rng.randrange(2, len(header.lines) + 1)
    header.lines.append(header.lines[copied - 1])
    header.save()
    injector.record(family, header.path, len(header.lines), "CHILD", "duplicate_child_id", "one row per CHILD")

    reviews = _CsvFile(_family_files(injector.out, family, "ssda903_????-??_reviews.csv")[0])
    dropped = reviews.columns.index("REVIEW_CODE")
    reviews.lines = [",".join(cell for index, cell in enumerate(line.split(",")) if index != dropped)
                     for line in reviews.lines]
    reviews.save()
    injector.record(family, reviews.path, None, "REVIEW_CODE", "missing_column", RULE_COLUMNS)

    # the earliest year's missing-episodes table that has rows to cut
    missing = next((path for path in _family_files(injector.out, family, "ssda903_????-??_missing.csv")
                    if len(path.read_text(encoding="utf-8").splitlines()) >= 3), None)
    if missing is not None:
        _truncate(missing, injector)
        injector.record(family, missing, None, "", "truncated_file", RULE_READABLE)


def _truncate(path: Path, injector: _Injector) -> None:
    """Cut the file part-way through a line in its second half: a CSV just into a row's second cell (so the
    row is short of columns), an XML file inside an element."""
    text = path.read_text(encoding="utf-8")
    cut = injector.rng.randrange(len(text) // 2, len(text) * 3 // 4)
    if path.suffix == ".csv":
        cut = text.index(",", text.rindex("\n", 0, cut) + 1) + 2
    else:
        cut = XML_LEAF.search(text, cut).start(2) + 1
    path.write_text(text[:cut], encoding="utf-8")


def _cin(injector: _Injector) -> None:
    family = "cin"
    census = _XmlFile(_family_files(injector.out, family, "cin_census_*.xml")[-1])
    # a plan with no end date and no reviews yet: a future start breaks no other rule
    open_plans_without_reviews = [
        row for row in census.lines_of("CPPstartDate")
        if census.lines[row].lstrip().startswith("<InitialCategoryOfAbuse>")
        and census.lines[row + 3].strip() == "</ChildProtectionPlans>"
    ]
    edits = [
        ("ReferralSource", "invalid_code", code_list_rule("cin_referral_source"), census.lines_of("ReferralSource"),
         "99"),
        ("CINreferralDate", "wrong_date_format", RULE_DATE, census.lines_of("CINreferralDate"), "2024-13-45"),
        ("PersonBirthDate", "missing_mandatory", "PersonBirthDate or ExpectedPersonBirthDate is given",
         census.lines_of("PersonBirthDate"), ""),
        ("CPPstartDate", "future_date", RULE_NOT_FUTURE, open_plans_without_reviews,
         (injector.reference + timedelta(days=300)).isoformat()),
    ]
    for tag, kind, rule, candidates, new_value in edits:
        if not candidates:
            continue
        row = injector.rng.choice(candidates)
        census.set(row, new_value)
        injector.record(family, census.path, row, tag, kind, rule)
    child_ids = census.lines_of("LAchildID")
    position = injector.rng.randrange(1, len(child_ids))
    census.set(child_ids[position], census.get(child_ids[position - 1]))
    injector.record(family, census.path, child_ids[position], "LAchildID", "duplicate_child_id",
                    "one row per LAchildID")
    census.save()


def _sen2(injector: _Injector) -> None:
    family = "sen2"
    files = _family_files(injector.out, family, "sen2_*.xml")
    latest = _XmlFile(files[-1])
    if latest.lines_of("SENtype"):
        row = injector.rng.choice(latest.lines_of("SENtype"))
        latest.set(row, "XYZ")
        latest.save()
        injector.record(family, latest.path, row, "SENtype", "invalid_code", code_list_rule("sen2_sen_type"))
    _truncate(files[0], injector)
    injector.record(family, files[0], None, "", "truncated_file", RULE_READABLE)


def _nccis(injector: _Injector) -> None:
    family = "nccis"
    month = _CsvFile(_family_files(injector.out, family, "ccis_*.csv")[-1])
    rows = injector.rows(3, list(range(2, len(month.lines) + 1)))
    month.set(rows[0], "ACTIVITY", "999")
    injector.record(family, month.path, rows[0], "ACTIVITY", "invalid_code", code_list_rule("nccis_activity"))
    month.set(rows[1], "DOB", "not known")
    injector.record(family, month.path, rows[1], "DOB", "wrong_date_format", RULE_DATE)
    ypid = month.get(rows[2], "YPID")
    if ypid.startswith("0"):
        month.set(rows[2], "YPID", ypid.lstrip("0"))
        injector.record(family, month.path, rows[2], "YPID", "identifier_leading_zeros_lost", REPAIRED)
    month.save()


def _workforce(injector: _Injector) -> None:
    family = "workforce"
    workers = _CsvFile(_family_files(injector.out, family, "workers.csv")[0])
    rows = injector.rows(2, list(range(2, len(workers.lines) + 1)))
    workers.set(rows[0], "OrgRole", "7")
    injector.record(family, workers.path, rows[0], "OrgRole", "invalid_code", code_list_rule("csww_org_role"))
    workers.set(rows[1], "FTE", "")
    injector.record(family, workers.path, rows[1], "FTE", "missing_mandatory", RULE_MANDATORY)
    workers.save()


def inject_defects(out: Path, seed: int, reference: date) -> list[Defect]:
    """Inject the faults into the generated files under `out` and write the manifest."""
    injector = _Injector(out, seed, reference)
    for inject in (_ssda903, _cin, _sen2, _nccis, _workforce):
        inject(injector)
    with (out / MANIFEST).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MANIFEST_COLUMNS)
        for defect in injector.defects:
            writer.writerow([defect.family, defect.file, "" if defect.row is None else defect.row, defect.field,
                             defect.defect, defect.rule])
    return injector.defects
