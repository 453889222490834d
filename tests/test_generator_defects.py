"""`csdw generate --defects`: every fault in the manifest is really at its row, and everything else is clean."""

import csv
import filecmp
import re
from datetime import date
from pathlib import Path

import pytest
from defusedxml import ElementTree

from sources.code_lists import codes
from sources.synthetic.defects import MANIFEST, MANIFEST_COLUMNS, REPAIRED
from sources.synthetic.generate import generate

SEED = 11
DMY = re.compile(r"^\d{2}/\d{2}/\d{4}$")
XML_VALUE = re.compile(r"<(\w+)>([^<]*)</\1>")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> tuple[Path, Path]:
    clean = tmp_path_factory.mktemp("clean")
    faulty = tmp_path_factory.mktemp("faulty")
    generate(clean, "small", seed=SEED, show_progress=False)
    generate(faulty, "small", seed=SEED, defects=True, show_progress=False)
    return clean, faulty


@pytest.fixture(scope="module")
def manifest(outputs) -> list[dict]:
    with (outputs[1] / MANIFEST).open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == MANIFEST_COLUMNS
        return list(reader)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_manifest_covers_every_kind_of_fault(manifest):
    kinds = {row["defect"] for row in manifest}
    assert {"invalid_code", "dec_before_decom", "overlapping_episodes", "duplicate_child_id", "missing_mandatory",
            "future_date", "wrong_date_format", "truncated_file", "missing_column", "identifier_float_suffix",
            "identifier_leading_zeros_lost"} <= kinds
    repaired = {row["defect"] for row in manifest if row["rule"] == REPAIRED}
    assert repaired == {"identifier_float_suffix", "identifier_leading_zeros_lost"}
    assert {row["family"] for row in manifest} == {"cin", "ssda903", "sen2", "nccis", "workforce"}


def test_only_the_manifest_rows_and_files_differ_from_the_clean_output(outputs, manifest):
    clean, faulty = outputs
    expected_rows = {(row["file"], int(row["row"])) for row in manifest if row["row"]}
    whole_files = {row["file"] for row in manifest if not row["row"]}
    differing_rows = set()
    for path in clean.rglob("*"):
        if not path.is_file():
            continue
        name = path.relative_to(clean).as_posix()
        if name in whole_files:
            assert not filecmp.cmp(path, faulty / name, shallow=False)
            continue
        before, after = _lines(path), _lines(faulty / name)
        differing_rows |= {(name, number) for number in range(1, max(len(before), len(after)) + 1)
                           if number > len(before) or number > len(after) or before[number - 1] != after[number - 1]}
    assert differing_rows == expected_rows


def _csv_cell(path: Path, row: int, field: str) -> str:
    lines = _lines(path)
    return lines[row - 1].split(",")[lines[0].split(",").index(field)]


def _xml_value(path: Path, row: int, field: str) -> str:
    match = XML_VALUE.search(_lines(path)[row - 1])
    assert match and match.group(1) == field
    return match.group(2)


def _iso(text: str) -> date:
    return date.fromisoformat(text) if "-" in text else date(*reversed([int(part) for part in text.split("/")]))


def test_each_row_fault_is_the_fault_the_manifest_names(outputs, manifest):
    clean, faulty = outputs
    code_lists = {"PLACE": "ssda903_placement_type", "ReferralSource": "cin_referral_source",
                  "SENtype": "sen2_sen_type", "ACTIVITY": "nccis_activity", "OrgRole": "csww_org_role"}
    for entry in (row for row in manifest if row["row"]):
        path, row, field, kind = faulty / entry["file"], int(entry["row"]), entry["field"], entry["defect"]
        is_xml = path.suffix == ".xml"
        value = _xml_value(path, row, field) if is_xml else _csv_cell(path, row, field)
        if kind == "invalid_code":
            assert value not in codes(code_lists[field])
        elif kind == "missing_mandatory":
            assert value == ""
        elif kind == "wrong_date_format":
            assert not _is_date(value)
        elif kind == "future_date":
            assert _iso(value) > date(2025, 3, 31)
        elif kind == "dec_before_decom":
            assert _iso(value) < _iso(_csv_cell(path, row, "DECOM"))
        elif kind == "overlapping_episodes":
            previous_end = _csv_cell(path, row - 1, "DEC")
            assert _csv_cell(path, row - 1, "CHILD") == _csv_cell(path, row, "CHILD")
            assert _iso(value) < _iso(previous_end)
        elif kind == "duplicate_child_id":
            same_ids = [line for line in _lines(path) if (f"<{field}>{value}</{field}>" in line if is_xml
                                                          else line.split(",")[0] == value)]
            assert len(same_ids) >= 2
        elif kind == "identifier_float_suffix":
            is_suffixed = value == _csv_cell(clean / entry["file"], row, field) + ".0"
            assert is_suffixed, f"{entry['file']} row {row}: no '.0' suffix"  # identifiers stay out of the output
        elif kind == "identifier_leading_zeros_lost":
            clean_value = _csv_cell(clean / entry["file"], row, field)
            lost_zeros = clean_value.startswith("0") and value == clean_value.lstrip("0")
            assert lost_zeros, f"{entry['file']} row {row}: leading zeros not lost"
        else:
            pytest.fail(f"unchecked defect kind {kind}")


def _is_date(text: str) -> bool:
    """A real date written dd/mm/YYYY or YYYY-MM-DD."""
    try:
        return bool(DMY.match(text) or re.match(r"^\d{4}-\d{2}-\d{2}$", text)) and _iso(text) is not None
    except ValueError:
        return False


def test_whole_file_faults_are_a_missing_column_and_truncated_files(outputs, manifest):
    _, faulty = outputs
    for entry in (row for row in manifest if not row["row"]):
        path = faulty / entry["file"]
        if entry["defect"] == "missing_column":
            assert entry["field"] not in _lines(path)[0].split(",")
        elif path.suffix == ".xml":
            with pytest.raises(ElementTree.ParseError):
                ElementTree.parse(path)
        else:
            lines = path.read_text().splitlines()
            last_cells = lines[-1].split(",")
            assert len(last_cells) < len(lines[0].split(","))
