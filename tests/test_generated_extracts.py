"""The contracts against the synthetic generator's output: its clean files break no rule and load whole; every
fault its `--defects` run injects is reported at its file, row, field and rule, and nothing else is."""

import csv
import errno
import re
import secrets
import shutil
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow as pa
import pytest

from orchestration import cli
from sources import contracts
from sources.contracts import (
    RULE_COLUMNS,
    RULE_DATE,
    RULE_FLOAT_SUFFIX,
    RULE_LEADING_ZEROS,
    RULE_MANDATORY,
    RULE_NOT_FUTURE,
    RULE_PARENT,
    RULE_READABLE,
    RULE_THRESHOLD,
    WARNING,
    CheckSettings,
    Fault,
)
from sources.cin import CONTRACTS as CIN_CONTRACTS
from sources.families import CHECKERS
from sources.synthetic.generate import DEFAULT_REFERENCE, generate
from sources.synthetic.targets import SCALES

SETTINGS = CheckSettings(DEFAULT_REFERENCE, SCALES["small"].default_la, 5.0)

# What the contract reports for each kind of injected defect.
EXPECTED_RULES = {
    "dec_before_decom": {"DEC is on or after DECOM"},
    "overlapping_episodes": {"a child's episodes do not overlap"},
    "future_date": {RULE_NOT_FUTURE},
    "wrong_date_format": {RULE_DATE},
    "missing_mandatory": {RULE_MANDATORY, "PersonBirthDate or ExpectedPersonBirthDate is given"},
    "identifier_float_suffix": {RULE_FLOAT_SUFFIX},
    "identifier_leading_zeros_lost": {RULE_LEADING_ZEROS},
    "duplicate_child_id": {"one row per CHILD", "one row per LAchildID"},
    "missing_column": {RULE_COLUMNS},
    "truncated_file": {RULE_READABLE},
}
RECORD_ELEMENTS = {"cin": "Child", "sen2": "Person"}


@pytest.fixture(scope="module")
def clean_extracts(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    generate(out, "small", seed=1, show_progress=False)
    return out


@pytest.fixture(scope="module")
def defective_extracts(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("defects")
    generate(out, "small", seed=1, defects=True, show_progress=False)
    return out


def check_all(landing: Path) -> dict:
    key = secrets.token_bytes(16)
    return {family: check(landing, key, SETTINGS) for family, check in CHECKERS.items()}


@pytest.fixture(scope="module")
def clean_results(clean_extracts) -> dict:
    return check_all(clean_extracts)


@pytest.fixture(scope="module")
def defective_results(defective_extracts) -> dict:
    return check_all(defective_extracts)


def csv_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return sum(1 for row in csv.reader(handle) if any(cell.strip() for cell in row)) - 1


def xml_elements(folder: Path, tag: str) -> int:
    return sum(len(re.findall(rf"<{tag}>", path.read_text())) for path in folder.glob("*.xml"))


def test_clean_generated_extracts_break_no_contract(clean_results):
    assert {family: [f.describe() for f in result.faults] for family, result in clean_results.items()} == {
        family: [] for family in CHECKERS
    }


def test_every_row_of_the_clean_files_is_read(clean_extracts, clean_results):
    results = clean_results

    by_table = Counter()
    for path in (clean_extracts / "ssda903").glob("*.csv"):
        by_table[re.sub(r"^ssda903_\d{4}-\d{2}_", "", path.stem)] += csv_rows(path)
    assert results["ssda903"].rows_read == dict(by_table)
    assert results["nccis"].rows_read == {"activity": sum(csv_rows(p) for p in (clean_extracts / "nccis").glob("*.csv"))}
    assert results["workforce"].rows_read == {p.stem: csv_rows(p) for p in (clean_extracts / "workforce").glob("*.csv")}
    cin_read, sen2_read = results["cin"].rows_read, results["sen2"].rows_read
    for table, tag in (("child_identifiers", "Child"), ("details", "CINdetails"), ("assessments", "Assessments"),
                       ("child_protection_plans", "ChildProtectionPlans"), ("cpp_reviews", "CPPreviewDate")):
        assert cin_read[table] == xml_elements(clean_extracts / "cin", tag), table
    for table, tag in (("person", "Person"), ("requests", "Request"), ("sen_needs", "SENneed")):
        assert sen2_read[table] == xml_elements(clean_extracts / "sen2", tag), table


def test_every_injected_defect_is_reported_at_its_file_row_field_and_rule(defective_extracts, defective_results):
    faults = [fault for result in defective_results.values() for fault in result.faults]
    manifest = list(csv.DictReader((defective_extracts / "defects_manifest.csv").open()))
    assert manifest, "the generator injected no defects"

    missed = [entry for entry in manifest if not any(_reports(fault, entry) for fault in faults)]

    assert missed == []


def test_no_fault_is_reported_beyond_the_injected_defects_and_their_consequences(defective_extracts, defective_results):
    faults = [fault for result in defective_results.values() for fault in result.faults]
    manifest = list(csv.DictReader((defective_extracts / "defects_manifest.csv").open()))

    unexplained = [
        fault.describe()
        for fault in faults
        if fault.rule != RULE_PARENT
        and not any(_reports(fault, entry) or _same_record(fault, entry, defective_extracts) for entry in manifest)
    ]

    assert unexplained == []


def test_clean_rows_of_defective_files_still_load(clean_results, defective_results):
    clean, defective = clean_results["ssda903"], defective_results["ssda903"]

    rejected = defective.rows_rejected["episodes"]
    assert 0 < rejected < 10
    # Each rejected row keeps out at most its own record; every other episode loads as from the clean files.
    assert len(clean.tables["episodes"]) - rejected <= len(defective.tables["episodes"]) < len(clean.tables["episodes"])


def test_a_regional_pools_las_are_checked_as_each_la_alone(defective_extracts, tmp_path, monkeypatch):
    """The pool is checked a batch of LAs at a time, which holds only if no rule reaches across LAs: checked in
    one batch or an LA a batch, it gets what each LA gets alone. Both LAs have the same child ids, as different
    LAs' case systems can."""
    pool, alone = tmp_path / "pool", {"838": tmp_path / "838", SETTINGS.default_la_code: tmp_path / "defective"}
    # The returns' headers name their LA, as a pool's do (the header's LEA decides a CIN or SEN2 row's LA).
    other_la = tmp_path / "generated838"
    generate(other_la, "small", seed=1, la_code="838", show_progress=False)
    for la_code, extracts in (("838", other_la), (SETTINGS.default_la_code, defective_extracts)):
        for family in CHECKERS:
            for landing in (pool, alone[la_code]):
                shutil.copytree(extracts / family, landing / family / la_code)
    key = secrets.token_bytes(16)
    each_alone = {family: [check(landing, key, SETTINGS) for landing in alone.values()] for family, check in CHECKERS.items()}

    for batch_bytes in (contracts.LA_BATCH_FILE_BYTES, 1):
        monkeypatch.setattr(contracts, "LA_BATCH_FILE_BYTES", batch_bytes)
        row_faults = 0
        for family, check in CHECKERS.items():
            pooled, each = check(pool, key, SETTINGS), each_alone[family]
            assert pooled.tables and all(result.tables for result in each), family
            row_faults += sum(fault.row_number is not None for fault in pooled.faults)

            # The rejected-rows threshold is the family's, over all its LAs.
            assert [f for f in pooled.faults if f.rule != RULE_THRESHOLD] == [
                f for result in each for f in result.faults if f.rule != RULE_THRESHOLD], family
            assert pooled.rejected_records == {k: v for result in each for k, v in result.rejected_records.items()}
            assert set(pooled.tables) == {table for result in each for table in result.tables}, family
            for table, rows in pooled.tables.items():
                parts = [decoded(result.tables[table]) for result in each if table in result.tables]
                assert decoded(rows).equals(pa.concat_tables(parts, promote_options="permissive")), table
        assert row_faults, "the defective LA's rows were not checked"


def test_returns_read_by_worker_processes_check_as_when_read_here(defective_extracts, monkeypatch):
    """A large batch of XML returns is read by a worker process per core: the rows, the faults (with the lines
    they name) and the rejected records are those of reading the same files in this process."""
    key = secrets.token_bytes(16)
    pool_workers = []

    class RecordedPool(ProcessPoolExecutor):
        def __init__(self, max_workers, **kwargs):
            pool_workers.append(max_workers)
            super().__init__(max_workers, **kwargs)

    read_here = {family: CHECKERS[family](defective_extracts, key, SETTINGS) for family in ("cin", "sen2")}
    assert not pool_workers
    monkeypatch.setattr(contracts, "READ_IN_WORKERS_BYTES", 0)
    monkeypatch.setattr(contracts, "ProcessPoolExecutor", RecordedPool)
    monkeypatch.setattr(contracts.os, "cpu_count", lambda: 8)

    for family, here in read_here.items():
        in_workers = CHECKERS[family](defective_extracts, key, SETTINGS)
        assert here.faults and in_workers.faults == here.faults, family
        assert in_workers.rejected_records == here.rejected_records, family
        assert (in_workers.files_read, in_workers.rows_read) == (here.files_read, here.rows_read), family
        assert in_workers.tables.keys() == here.tables.keys(), family
        for table, rows in here.tables.items():
            assert decoded(in_workers.tables[table]).equals(decoded(rows)), table
    assert pool_workers == [contracts.MAX_READ_WORKERS] * 2


def unreadable(path: Path, lineage: dict):
    raise OSError(errno.EACCES, "Permission denied")


def test_a_readers_error_in_a_worker_is_raised_as_the_reader_raised_it(defective_extracts, monkeypatch):
    """An OSError is retried by the ingest step and named in the refresh's summary, so it must come out of a
    worker as itself, naming the file, with the worker's traceback kept as a note rather than as its cause."""
    monkeypatch.setattr(contracts, "READ_IN_WORKERS_BYTES", 0)
    monkeypatch.setattr(contracts.os, "cpu_count", lambda: 2)

    with pytest.raises(PermissionError, match="Permission denied") as raised:
        contracts.check_family("cin", defective_extracts / "cin", CIN_CONTRACTS, unreadable, (".xml",),
                               secrets.token_bytes(16), SETTINGS, worker_suffixes=(".xml",))

    unread = Path(raised.value.filename)
    assert unread.is_relative_to(defective_extracts / "cin") and unread.suffix == ".xml"
    assert raised.value.__cause__ is None
    assert "in unreadable" in "".join(raised.value.__notes__)


def decoded(table: pa.Table) -> pa.Table:
    """The table with its dictionary-encoded columns as plain values (each batch of LAs has its own dictionary)."""
    return pa.table({
        name: column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column
        for name, column in zip(table.column_names, table.columns)
    })


def test_validate_exits_1_on_the_defective_extracts_and_0_on_the_clean_ones(clean_extracts, defective_extracts, monkeypatch, capsys):
    monkeypatch.setenv("CSDW_LA_CODE", SCALES["small"].default_la)
    monkeypatch.setenv("CSDW_REFERENCE_DATE", DEFAULT_REFERENCE.isoformat())

    assert cli.main(["validate", str(clean_extracts)]) == 0
    assert cli.main(["validate", str(defective_extracts)]) == 1
    assert "ssda903_2024-25_episodes.csv row" in capsys.readouterr().out


def _reports(fault: Fault, entry: dict) -> bool:
    if entry["family"] != fault.family or entry["file"] != f"{fault.family}/{fault.file}":
        return False
    if entry["defect"] == "invalid_code":
        rule_matches = fault.rule.startswith("code is in list")
    else:
        rule_matches = fault.rule in EXPECTED_RULES[entry["defect"]]
    if entry["defect"].startswith("identifier_"):
        rule_matches = rule_matches and fault.severity == WARNING
    if not entry["row"]:
        return rule_matches and fault.row_number is None
    return rule_matches and fault.row_number == int(entry["row"]) and entry["field"] in fault.field


def _same_record(fault: Fault, entry: dict, out: Path) -> bool:
    """A second fault in the XML record (Child, Person) that holds an injected defect, e.g. the end date a
    future start date now precedes, or a duplicated child's duplicated characteristics."""
    tag = RECORD_ELEMENTS.get(fault.family)
    if not tag or not entry["row"] or entry["file"] != f"{fault.family}/{fault.file}" or fault.row_number is None:
        return False
    lines = (out / entry["file"]).read_text().splitlines()
    line = int(entry["row"])
    start = next(n for n in range(line, 0, -1) if f"<{tag}>" in lines[n - 1])
    end = next(n for n in range(line, len(lines) + 1) if f"</{tag}>" in lines[n - 1])
    return start <= fault.row_number <= end
