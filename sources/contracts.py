"""What every extract contract shares.

A contract is data an analyst can read: the fields of one extract table, which are mandatory, which are
dates, identifiers, postcodes or codes from a list, the rules that tie fields of one row together, and the
rules across tables. From it this module builds the pandera schema for each collection year, checks what a
family's readers produced, and turns failures into faults naming the file, row, field and rule.

Severity: a whole-file fault (unreadable, unknown table, missing column) stops the refresh; a row fault sends
the row to quarantine and the rest loads, unless more than the configured share of a table's rows is rejected,
which stops the refresh too. Repairs (an identifier exported as `123.0`) are warnings: the row loads.

A fault never carries an identifier or a personal value: only short codes are quoted back.
"""

import contextlib
import gc
import json
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import compress
from datetime import date
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from sources.code_lists import codes
from sources.pseudonymise import normalised_identifiers, pseudonymise

LINEAGE_COLUMNS = ("la_code", "collection_year", "source_file", "source_row_number")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
DATE_DTYPE = "datetime64[us]"
# Every date text parsed so far in this process, and what it parsed to (NaT if nothing): a few thousand days
# over the years of a landing. Started again past the bound, so a process reading many landings stays small.
MAX_PARSED_DATES = 1_000_000
_parsed_dates = pd.Series(pd.array([], dtype=DATE_DTYPE), index=pd.Index([], dtype="str"))
IDENTIFIER_PATTERN = r"^[A-Za-z0-9]{1,20}$"
QUOTABLE_CODE = re.compile(r"^[A-Za-z0-9]{1,8}$")
FLOAT_SUFFIX = re.compile(r"^(\d+)\.0+$")
POSTCODE_PARTS = r"^(?P<outward>[A-Z]{1,2}[0-9][A-Z0-9]?)(?P<sector>[0-9])[A-Z]{2}$"
POSTCODE_OUTWARD = r"^[A-Z]{1,2}[0-9][A-Z0-9]?$"
COLLECTION_YEAR = re.compile(r"(?<!\d)(20\d\d)[-_]?(\d\d)(?!\d)")
LA_FOLDER = re.compile(r"^\d{3}$")
# A large county's family (at most 390 MB of files) is one batch; checked one LA at a time, a regional pool's
# families paid each validation's fixed cost per LA (SSDA903 took 16 s, against 9 s all together).
LA_BATCH_FILE_BYTES = 400_000_000
# The XML readers visit every element from Python, one core's work: a batch of returns at least this large is
# read by a worker process per core (a large county's CIN returns: 12.5 s read here, 8.1 s by two workers). A
# smaller batch is read here: starting the workers and copying the rows back would cost more than they save.
READ_IN_WORKERS_BYTES = 32_000_000
# At most this many workers: each holds its imports and a file's rows, and the memory targets were measured
# with two (bench/notes.md).
MAX_READ_WORKERS = 2

RULE_MANDATORY = "mandatory field is present"
RULE_IDENTIFIER = "identifier is letters and digits, at most 20 characters"
RULE_DATE = "date is dd/mm/YYYY or YYYY-MM-DD"
RULE_NOT_FUTURE = "date is not after the extract date"
RULE_NUMBER = "value is a number"
RULE_COLUMNS = "required columns are present"
RULE_READABLE = "file is readable"
RULE_KNOWN_TABLE = "file is a known extract table"
RULE_THRESHOLD = "rejected rows stay within the threshold"
RULE_PARENT = "its parent record was loaded (not rejected or missing)"
RULE_FLOAT_SUFFIX = "identifier exported as a number ('.0' removed)"
RULE_LEADING_ZEROS = "identifier lost its leading zeros (matched without them)"
RULE_CONFIGURED_LA = "a return outside an LA folder is the configured LA's (CSDW_LA_CODE)"

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Field:
    """One item of an extract table, as the DfE guide (or FORMATS.md) defines it."""

    name: str
    mandatory: bool = False
    code_list: str | None = None
    is_date: bool = False
    may_be_future: bool = False
    is_number: bool = False
    is_identifier: bool = False
    is_postcode: bool = False
    is_dropped: bool = False
    # A parent's key copied onto a module row: checked once, on the parent, whose rejection keeps the row out.
    is_parent_key: bool = False


@dataclass(frozen=True)
class RowRule:
    """A rule across the fields of one row; a broken rule is reported against `field`."""

    rule: str
    field: str
    holds: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class CrossTableRule:
    """A rule across tables; `breaks` marks the rows of `table` that break it."""

    rule: str
    table: str
    field: str
    breaks: Callable[[dict[str, pd.DataFrame]], pd.Series]


def record_keys(rows: pd.DataFrame, identifier: str, date_columns: list[str]) -> pd.Series:
    """A record's natural key: its LA, its (normalised) identifier and the given dates."""
    key = rows["la_code"].fillna("") + "|" + normalised_identifiers(rows[identifier])
    for column in date_columns:
        key = key + "|" + parse_dates(rows[column]).astype(str)
    return key


def parent_rule(table: str, parent: str, identifier: str, date_columns: list[str]) -> CrossTableRule:
    """Rows whose parent record (e.g. the CIN episode of an assessment) is not among the loaded rows, because
    it was rejected or is missing, are kept out too, so every loaded module joins to its parent."""

    def breaks(tables: dict[str, pd.DataFrame]) -> pd.Series:
        parents = tables.get(parent)
        return not_among(record_keys(tables[table], identifier, date_columns),
                         record_keys(parents, identifier, date_columns) if parents is not None else [])

    return CrossTableRule(RULE_PARENT, table, "(parent)", breaks)


# Keys are looked up in an index: `isin` and `map` on Arrow strings make a Python object of every key first.
def not_among(keys: pd.Series, known: Iterable[str]) -> pd.Series:
    """Whether each key is missing from `known`."""
    return pd.Series(pd.Index(known, dtype="str").unique().get_indexer(keys) == -1, index=keys.index)


def looked_up(keys: pd.Series, known: pd.Series, values: pd.Series) -> pd.Series:
    """Each key's value (of `values`, by `known` key; the last of a repeated key's), missing if it has none."""
    by_key = pd.Series(values.array, index=pd.Index(known, dtype="str"))
    by_key = by_key[~by_key.index.duplicated(keep="last")]
    return pd.Series(by_key.array.take(by_key.index.get_indexer(keys), allow_fill=True), index=keys.index)


@dataclass(frozen=True)
class TableContract:
    """The contract of one extract table."""

    family: str
    table: str
    fields: tuple[Field, ...]
    row_rules: tuple[RowRule, ...] = ()
    unique: tuple[str, ...] = ()

    @property
    def raw_table(self) -> str:
        return f"{self.family}_{self.table}"

    # Cached: the XML readers ask for the columns once per element, hundreds of thousands of times a file.
    @cached_property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def loaded_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.is_dropped)

    def schema(self, collection_year: str | None, extract_date: date) -> pa.DataFrameSchema:
        """The pandera schema for the rows of a collection year (or of several years whose code lists are the same
        as this one's); uniqueness holds within an LA and year."""
        return pa.DataFrameSchema(
            {
                f.name: pa.Column(
                    # No dtype: `rows_frame` makes every column text, and pandera checks a text dtype value by
                    # value, then formats the (empty) table of failures: a tenth of all the checking.
                    None,
                    nullable=f.is_parent_key or not f.mandatory,
                    checks=[] if f.is_parent_key else _field_checks(f, collection_year, extract_date),
                )
                for f in self.fields
            },
            checks=[pa.Check(rule.holds, error=rule.rule) for rule in self.row_rules],
            unique=[*self.unique, "la_code", "collection_year"] if self.unique else None,
            report_duplicates="exclude_first",
            strict=False,
            coerce=False,
        )


def _field_checks(f: Field, collection_year: str | None, extract_date: date) -> list[pa.Check]:
    if f.code_list:
        # Arrow's own membership test: pandas' `isin` on Arrow text turns every code of the list into a scalar first.
        allowed = pyarrow.array(sorted(codes(f.code_list, collection_year)), TEXT)
        return [pa.Check(lambda values: text_test(values, lambda texts: pc.is_in(texts, value_set=allowed)),
                         error=code_list_rule(f.code_list))]
    if f.is_date:
        checks = [pa.Check(lambda values: parse_dates(values).notna(), error=RULE_DATE)]
        if not f.may_be_future:
            latest = pd.Timestamp(extract_date)
            checks.append(pa.Check(lambda values: ~(parse_dates(values) > latest), error=RULE_NOT_FUTURE))
        return checks
    if f.is_identifier:
        return [pa.Check.str_matches(IDENTIFIER_PATTERN, error=RULE_IDENTIFIER)]
    if f.is_number:
        return [pa.Check(lambda values: pd.to_numeric(values, errors="coerce").notna(), error=RULE_NUMBER)]
    return []


def sql_type(f: Field) -> str:
    """The column type of a field in the raw layer."""
    return "date" if f.is_date else "double" if f.is_number else "varchar"


def not_before(start: str, end: str) -> Callable[[pd.DataFrame], pd.Series]:
    """A row rule: `end` is on or after `start` where both dates are given."""

    def holds(rows: pd.DataFrame) -> pd.Series:
        started, ended = parse_dates(rows[start]), parse_dates(rows[end])
        return started.isna() | ended.isna() | (ended >= started)

    return holds


def code_list_rule(list_name: str) -> str:
    return f"code is in list {list_name}"


@dataclass(frozen=True)
class Fault:
    """A broken rule: a whole file (row_number None) or one row of it."""

    family: str
    table: str
    file: str
    row_number: int | None
    field: str
    rule: str
    message: str
    severity: str = ERROR

    @property
    def is_file_fault(self) -> bool:
        return self.row_number is None

    def describe(self) -> str:
        where = self.file if self.row_number is None else f"{self.file} row {self.row_number}"
        return f"{where}, field {self.field}: {self.message}"


@dataclass(frozen=True)
class CheckSettings:
    """What a check needs beyond the files: the extract date, whose extracts they are, and the tolerance."""

    extract_date: date
    default_la_code: str | None
    max_rejected_percent: float

    @classmethod
    def for_extracts(cls, reference_date: date | None, la_code: str | None, max_rejected_percent: float) -> "CheckSettings":
        """Dates may not be later than the date the extracts describe when it is known, else today."""
        return cls(reference_date or date.today(), la_code, max_rejected_percent)


@dataclass
class ExtractRows:
    """What a reader made of one file: text rows per table (with lineage columns), or file faults."""

    tables: dict[str, pyarrow.Table] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)


@dataclass
class ContractResult:
    """A family's extracts after their contracts: the rows that passed, and every fault with its row."""

    family: str
    tables: dict[str, pyarrow.Table] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    rows_rejected: dict[str, int] = field(default_factory=dict)
    rejected_records: dict[tuple[str, int], str] = field(default_factory=dict)
    files_read: list[str] = field(default_factory=list)

    @property
    def blocking_faults(self) -> list[Fault]:
        return [fault for fault in self.faults if fault.is_file_fault and fault.severity == ERROR]

    @property
    def rejected_faults(self) -> list[Fault]:
        return [fault for fault in self.faults if not fault.is_file_fault and fault.severity == ERROR]

    @property
    def warnings(self) -> list[Fault]:
        return [fault for fault in self.faults if fault.severity == WARNING]

    def quarantine_frame(self) -> pd.DataFrame:
        """One row per rejected row and broken rule, with the row (pseudonymised) as JSON so nothing is lost.
        Whole-file faults are not rows: they stop the refresh and are reported as its reason."""
        rows = [
            {
                "family": fault.family,
                "table_name": fault.table,
                "source_file": fault.file,
                "source_row_number": fault.row_number,
                "field": fault.field,
                "rule": fault.rule,
                "message": fault.message,
                "record": self.rejected_records.get((fault.file, fault.row_number or 0)),
            }
            for fault in self.rejected_faults
        ]
        return pd.DataFrame(rows, columns=QUARANTINE_COLUMNS)


QUARANTINE_COLUMNS = [
    "family",
    "table_name",
    "source_file",
    "source_row_number",
    "field",
    "rule",
    "message",
    "record",
]


class ContractViolation(Exception):
    """Extracts broke their contract: the refresh stops and the published warehouse is left as it was."""

    def __init__(self, family: str, faults: list[Fault], kept_in: str):
        self.faults = faults
        shown = "\n".join(f"  - {fault.describe()}" for fault in faults[:20])
        more = f"\n  ... and {len(faults) - 20} more" if len(faults) > 20 else ""
        super().__init__(
            f"{family} extracts broke their contract ({len(faults)} blocking fault(s)); nothing was published.\n"
            f"{shown}{more}\nRejected rows and their reasons are kept in {kept_in}."
        )


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates written dd/mm/YYYY (the DfE form) or ISO; anything else becomes NaT."""
    # Each distinct text is parsed once: a date column repeats the same few thousand dates over many rows, and
    # the checks, the rules and the raw table each read a date column again.
    global _parsed_dates
    codes, distinct = pd.factorize(values)
    unseen = pd.Series(distinct[_parsed_dates.index.get_indexer(distinct) < 0])
    if len(unseen):
        parsed = pd.to_datetime(unseen, format=DATE_FORMATS[0], errors="coerce")
        for date_format in DATE_FORMATS[1:]:
            # Only what the earlier formats left unparsed: nearly every extract writes one format throughout.
            unparsed = parsed.isna()
            if unparsed.any():
                parsed[unparsed] = pd.to_datetime(unseen[unparsed], format=date_format, errors="coerce")
        if len(_parsed_dates) > MAX_PARSED_DATES:
            _parsed_dates = _parsed_dates.iloc[:0]
        _parsed_dates = pd.concat([_parsed_dates, pd.Series(parsed.astype(DATE_DTYPE).array, index=unseen.array)])
    parsed = _parsed_dates.array.take(_parsed_dates.index.get_indexer(distinct))
    return pd.Series(parsed.take(codes, allow_fill=True), index=values.index, name=values.name)


def _as_dates(values: pd.Series) -> pd.Series:
    """Dates for the raw layer, as Arrow dates (missing where there is none): no Python object per value."""
    dates = pyarrow.array(parse_dates(values)).cast(pyarrow.date32())
    return pd.Series(pd.array(dates, dtype=pd.ArrowDtype(pyarrow.date32())), index=values.index, name=values.name)


def postcode_sectors(postcodes: pd.Series) -> pd.Series:
    """Cut each postcode to its sector ('AB1 2'): full postcodes never reach the warehouse. Spaces (of any kind,
    anywhere) and case are ignored; an outward code alone stays as it is; anything else becomes blank."""
    compact = pc.utf8_upper(pc.replace_substring_regex(pyarrow.array(postcodes, type=pyarrow.string()), r"[\s\pZ]+", ""))
    parts = pc.extract_regex(compact, POSTCODE_PARTS)
    sectors = pc.binary_join_element_wise(pc.struct_field(parts, "outward"), pc.struct_field(parts, "sector"), " ")
    outward_only = pc.if_else(pc.match_substring_regex(compact, POSTCODE_OUTWARD), compact, None)
    return pd.Series(pc.coalesce(sectors, outward_only), dtype="str", index=postcodes.index, name=postcodes.name)


def collection_year_in(path: Path) -> str | None:
    """The collection year written in a file's path, as `2024-25`."""
    for match in COLLECTION_YEAR.finditer(str(path)):
        start, end = int(match.group(1)), int(match.group(2))
        if (start + 1) % 100 == end:
            return f"{start}-{end:02d}"
    return None


def la_code_in(path: Path, family_dir: Path) -> str | None:
    """The LA of a regional pool's file: a 3-digit folder under the family folder."""
    return next((part for part in path.relative_to(family_dir).parts[:-1] if LA_FOLDER.match(part)), None)


def field_line_column(field_name: str) -> str:
    """The column of an XML table holding the line of each row's element for the field (missing where the value
    was not an element of its own, e.g. a parent's key)."""
    return f"{field_name} line"


TEXT = pyarrow.large_string()


def text_table(records: list[list], columns: Iterable[str], lineage: dict, line_numbers: list[int]) -> pyarrow.Table:
    """Rows of text as read (a list per row), with lineage columns."""
    columns = list(columns)
    values = list(zip(*records)) or [() for _ in columns]
    return with_lineage({name: pyarrow.array(column, TEXT) for name, column in zip(columns, values)}, lineage, line_numbers)


def text_test(values: pd.Series, test: Callable[[pyarrow.Array], pyarrow.Array]) -> pd.Series:
    """An Arrow test of each text (false for a missing one), as a boolean column of the same rows."""
    passed = pc.fill_null(test(pyarrow.array(values, TEXT)), False)
    return pd.Series(passed.to_numpy(zero_copy_only=False), index=values.index)


def blank_as_missing(texts: pyarrow.Array) -> pyarrow.Array:
    """Text as an extract's rows keep it: trimmed, and a blank value missing."""
    trimmed = pc.utf8_trim_whitespace(texts)
    return pc.if_else(pc.equal(trimmed, ""), None, trimmed)


def with_lineage(texts: dict[str, pyarrow.Array], lineage: dict, line_numbers) -> pyarrow.Table:
    """A file's rows with the lineage columns: the file's (name, LA, collection year) and each row's line number.
    Rows stay in Arrow until a family's files are all read: made into one pandas frame per table then, not one
    per file (a regional pool has thousands of small files)."""
    rows = len(line_numbers)
    lineage_columns = {name: pyarrow.repeat(pyarrow.scalar(value, TEXT), rows) for name, value in lineage.items()}
    return pyarrow.table({**texts, **lineage_columns, "source_row_number": pyarrow.array(line_numbers, pyarrow.int64())})


def rows_frame(tables: list[pyarrow.Table]) -> pd.DataFrame:
    """One table's rows from all of a family's files, as pandas: text as Arrow-backed strings (string methods,
    code-list and pattern checks then run over whole columns) trimmed and a blank value missing, each row's line
    number as an integer, and the line of each field's XML element as a nullable integer (missing in a CSV's
    rows). Blanks are made missing here, once per table (per file, a regional pool's thousands of small files
    made it the dearest part of reading them), in every column but the lineage, which the reader wrote.

    Empties `tables`: each column of the files is let go as soon as the frame's is made from it, so a family's
    text is held about once, not twice (0.3 GB at large's CCIS months)."""
    rows = pyarrow.concat_tables(tables, promote_options="default")
    tables.clear()
    line_columns = {field_line_column(name) for name in rows.column_names}
    frame = {}
    for name in rows.column_names:
        column = rows.column(name)
        rows = rows.drop_columns([name])
        frame[name] = (
            column.to_pandas(types_mapper={pyarrow.int64(): pd.Int64Dtype()}.get) if name in line_columns
            else column.to_numpy() if name == "source_row_number"
            else pd.Series(column if name in LINEAGE_COLUMNS else blank_as_missing(column), dtype="str")
        )
    return pd.DataFrame(frame)


def check_family(
    family: str,
    family_dir: Path,
    contracts: tuple[TableContract, ...],
    read_file: Callable[[Path, dict], ExtractRows],
    file_suffixes: tuple[str, ...],
    key: bytes,
    settings: CheckSettings,
    cross_table_rules: tuple[CrossTableRule, ...] = (),
    worker_suffixes: tuple[str, ...] = (),
) -> ContractResult:
    """Read every extract file of a family, check it against its contracts, and keep what passed.

    `read_file(path, lineage)` turns one file into text rows per table (or file faults); lineage holds the
    file name, its LA and its collection year, which readers may correct from the file's own header. The files
    with a suffix in `worker_suffixes` (those whose reader spends its time in Python) are read by a worker process
    per core, up to `MAX_READ_WORKERS`, when a batch has `READ_IN_WORKERS_BYTES` of them; `read_file` must then be
    a module's function. Arrow reads a CSV file in C: copying its rows back from a worker cost more than it saved
    (large's CCIS months, 8.4 s against 11.5 s).

    A regional pool's LAs are checked a batch at a time (`LA_BATCH_FILE_BYTES`): every rule holds within an LA
    (a key, a parent record, the latest submission, the width of padded identifiers), so a batch of whole LAs
    checks as each LA alone, and the pool's CCIS months, checked all together, took 8 GB. The rows that passed
    are kept as Arrow tables, each batch's as it is done; the rejected-rows threshold is the family's, over all
    its LAs."""
    result = ContractResult(family=family)
    files = sorted(p for p in family_dir.rglob("*") if p.is_file() and p.suffix.lower() in file_suffixes) if family_dir.is_dir() else []
    passed: dict[str, list[pyarrow.Table]] = {contract.table: [] for contract in contracts}
    for batch in _la_batches(files, family_dir):
        lineages = _lineages(batch, family_dir, settings)
        with contextlib.closing(_read_files(read_file, batch, lineages, worker_suffixes)) as extracts:
            batch_rows = _checked_rows(family, family_dir, batch, lineages, extracts, contracts, key, settings, cross_table_rules, result)
        for table, rows in batch_rows.items():
            passed[table].append(_compact(rows))
    for contract in contracts:
        if passed[contract.table]:
            # A batch's column can come out typed apart from another's (whole numbers against decimals, no dates at
            # all): the raw table's SQL types decide in the end.
            result.tables[contract.table] = pyarrow.concat_tables(passed.pop(contract.table), promote_options="permissive")
        _check_threshold(contract.table, contract, result, settings.max_rejected_percent)
    return result


def _compact(rows: pd.DataFrame) -> pyarrow.Table:
    """A batch of LAs' rows that passed, held until the raw table is written: in Arrow, with text dictionary-encoded
    (codes and lineage repeat a few values over millions of rows: a regional pool's CCIS months take 1.4 GB so,
    2.8 GB as plain text)."""
    table = pyarrow.Table.from_pandas(rows, preserve_index=False)
    for index, column in enumerate(table.columns):
        if pyarrow.types.is_string(column.type) or pyarrow.types.is_large_string(column.type):
            table = table.set_column(index, table.field(index).name, column.dictionary_encode())
    return table


def _la_batches(files: list[Path], family_dir: Path) -> Iterator[list[Path]]:
    """The files in batches of whole LAs (by LA folder; a single LA's landing is one), each batch up to
    `LA_BATCH_FILE_BYTES` unless one LA is larger."""
    by_la: dict[str | None, list[Path]] = {}
    for path in files:
        by_la.setdefault(la_code_in(path, family_dir), []).append(path)
    batch, batch_bytes = [], 0
    for la_files in by_la.values():
        la_bytes = sum(path.stat().st_size for path in la_files)
        if batch and batch_bytes + la_bytes > LA_BATCH_FILE_BYTES:
            yield batch
            batch, batch_bytes = [], 0
        batch, batch_bytes = batch + la_files, batch_bytes + la_bytes
    if batch:
        yield batch


def _checked_rows(
    family: str,
    family_dir: Path,
    files: list[Path],
    lineages: list[dict],
    extracts: Iterable[ExtractRows],
    contracts: tuple[TableContract, ...],
    key: bytes,
    settings: CheckSettings,
    cross_table_rules: tuple[CrossTableRule, ...],
    result: ContractResult,
) -> dict[str, pd.DataFrame]:
    """The rows of `files` (whole LAs', read into `extracts`) that passed, typed for the raw layer, per table; their
    faults, counts and rejected records are added to `result`."""
    by_table: dict[str, list[pyarrow.Table]] = {contract.table: [] for contract in contracts}
    # Strict, so the reading ends (and its workers stop) once the last file is read, before the rows are checked.
    for path, lineage, extract in zip(files, lineages, extracts, strict=True):
        result.faults.extend(extract.faults)
        foreign = _foreign_la_fault(family, path, family_dir, extract, settings.default_la_code)
        if foreign:
            result.faults.append(foreign)
            continue
        if extract.tables:
            result.files_read.append(lineage["source_file"])
        for table, frame in extract.tables.items():
            by_table[table].append(frame)
    contract_of = {contract.table: contract for contract in contracts}
    accepted: dict[str, pd.DataFrame] = {}
    for table, frames in by_table.items():
        if not frames:
            continue
        contract = contract_of[table]
        rows = normalise_rows(rows_frame(frames), contract, result)
        result.rows_read[table] = result.rows_read.get(table, 0) + len(rows)
        faults = check_rows(rows, contract, settings.extract_date)
        result.faults.extend(faults)
        accepted[table] = _latest_submission(_without(rows, faults, contract, key, result), contract)
    for rule in cross_table_rules:
        if rule.table not in accepted:
            continue
        rows = accepted[rule.table]
        broken = rule.breaks(accepted).reindex(rows.index, fill_value=False)
        faults = [_row_fault(rows, position, contract_of[rule.table], rule.field, rule.rule, f"breaks the rule: {rule.rule}") for position in rows.index[broken]]
        result.faults.extend(faults)
        accepted[rule.table] = _without(rows, faults, contract_of[rule.table], key, result)
    # A table's text rows are let go as soon as its typed rows are made.
    return {table: prepare_table(accepted.pop(table), contract_of[table], key) for table in list(accepted)}


def _lineages(files: list[Path], family_dir: Path, settings: CheckSettings) -> list[dict]:
    return [
        {
            "la_code": la_code_in(path, family_dir) or settings.default_la_code,
            "collection_year": collection_year_in(path.relative_to(family_dir)),
            "source_file": str(path.relative_to(family_dir)),
        }
        for path in files
    ]


def _read_files(read_file: Callable[[Path, dict], ExtractRows], files: list[Path], lineages: list[dict],
                worker_suffixes: tuple[str, ...]) -> Iterator[ExtractRows]:
    """What `read_file` made of each file, in order; the files with a suffix in `worker_suffixes` by worker
    processes when there are enough of them. An error a reader raises is raised here, wherever it was read."""
    read = partial(_read_one_file, read_file)
    in_workers = [path.suffix.lower() in worker_suffixes for path in files]
    workers = min(os.cpu_count() or 1, MAX_READ_WORKERS, sum(in_workers))
    worker_bytes = sum(path.stat().st_size for path in compress(files, in_workers))
    if workers < 2 or worker_bytes < READ_IN_WORKERS_BYTES:
        yield from map(read, files, lineages)
        return
    # A fork server starts clean (none of Dagster's, DuckDB's or Arrow's threads to fork) and imports the readers
    # once a process. A batch's workers are forked from it and stop once its files are read.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sources.families"])
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        read_by_workers = pool.map(read, compress(files, in_workers), compress(lineages, in_workers))
        for path, lineage, in_worker in zip(files, lineages, in_workers):
            yield _next_from_worker(read_by_workers, path) if in_worker else read(path, lineage)


def _next_from_worker(read_by_workers: Iterator[ExtractRows], path: Path) -> ExtractRows:
    """The next file a worker read, or the error its reader raised, as the reader raised it."""
    try:
        return next(read_by_workers)
    except BrokenProcessPool:
        raise BrokenProcessPool(
            f"the worker process reading {path.parent.name}/{path.name} stopped without a result: killed, most "
            "likely for want of memory (see READ_IN_WORKERS_BYTES and MAX_READ_WORKERS in sources/contracts.py)"
        ) from None
    except Exception as error:
        # The worker's traceback comes as the error's cause, which a refresh's summary would name in its place.
        error.add_note(str(error.__cause__))
        raise error from None


def _read_one_file(read_file: Callable[[Path, dict], ExtractRows], path: Path, lineage: dict) -> ExtractRows:
    """What `read_file` makes of one file, with the cycle collector paused: reading creates millions of small lists
    and strings and no reference cycles, and left running, the collector rescans them again and again as they
    accumulate (a tenth to a sixth of the reading time).

    An I/O error is raised, not made a fault of the file: the landing folder is often a network share that drops
    out for a moment, and the ingest step tries again. An error from the system is made to name the file (an
    error part-way through a read does not)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return read_file(path, lineage)
    except OSError as error:
        if error.strerror is not None and error.filename is None:
            error.filename = str(path)
        raise
    finally:
        if was_enabled:
            gc.enable()


def _foreign_la_fault(family: str, path: Path, family_dir: Path, extract: ExtractRows,
                      configured_la: str | None) -> Fault | None:
    """A return whose header names another LA than the configured one, in a single-LA landing folder, would load
    as a second LA beside the configured one and skew every measure: the whole file stops the refresh. A
    regional pool keeps each LA's files in a 3-digit LA folder, which decides the LA instead."""
    if configured_la is None or la_code_in(path, family_dir) is not None:
        return None
    declared = {code for table in extract.tables.values() for code in pc.unique(table["la_code"]).to_pylist() if code}
    others = sorted(declared - {configured_la})
    if not others:
        return None
    return Fault(family, "?", str(path.relative_to(family_dir)), None, "LEA", RULE_CONFIGURED_LA,
                 f"the header names LA {', '.join(others)} but CSDW_LA_CODE is {configured_la}; set CSDW_LA_CODE, "
                 f"or put a regional pool's returns in a folder per LA (e.g. {family}/{others[0]}/)")


def normalise_rows(rows: pd.DataFrame, contract: TableContract, result: ContractResult) -> pd.DataFrame:
    """Undo what case-management exports and spreadsheets do, and say so where it changes a value: codes are
    upper-cased; `123.0` loses its `.0`; a numeric identifier shorter than its LA's zero-padded ones is flagged
    (pseudonymisation ignores leading zeros, so it still links)."""
    for f in contract.fields:
        if f.code_list:
            rows[f.name] = rows[f.name].str.upper()
        if not f.is_identifier:
            continue
        values = rows[f.name]
        # The pattern is tried only on values with a point, and they are rare: over every value of a large county's
        # CCIS months, it and the repair took a second.
        float_like = values.str.contains(".", regex=False, na=False)
        if float_like.any():
            float_like &= values.str.match(FLOAT_SUFFIX.pattern, na=False)
            for position in rows.index[float_like]:
                result.faults.append(_row_fault(rows, position, contract, f.name, RULE_FLOAT_SUFFIX, "repaired", WARNING))
            values = values.where(~float_like, values.str.replace(FLOAT_SUFFIX.pattern, r"\1", regex=True))
            rows[f.name] = values
        numeric = text_test(values, pc.utf8_is_decimal)
        padded = numeric & values.str.startswith("0", na=False)
        if padded.sum() == 0:
            continue
        la_codes = rows["la_code"].fillna("")
        width = values[padded].str.len().groupby(la_codes[padded]).agg(lambda lengths: lengths.mode().iloc[0])
        # Each row's LA looked up by its position among the LAs: `Series.map` on millions of Arrow strings calls back
        # into Python per value (3.3 s for a large county's CCIS identifiers).
        la_positions, las = pd.factorize(la_codes)
        las_width = pd.Series(width.reindex(las).to_numpy()[la_positions], index=rows.index)
        short = numeric & ~padded & (values.str.len() < las_width)
        for position in rows.index[short]:
            result.faults.append(_row_fault(rows, position, contract, f.name, RULE_LEADING_ZEROS, "repaired", WARNING))
    return rows


def check_rows(rows: pd.DataFrame, contract: TableContract, extract_date: date) -> list[Fault]:
    """Every fault in the rows, one per row, field and rule, each collection year against its own lists."""
    faults: dict[tuple[int, str, str], Fault] = {}
    for collection_year, year_rows in rows.groupby(_year_with_the_same_code_lists(rows, contract), sort=True):
        try:
            contract.schema(collection_year or None, extract_date).validate(year_rows, lazy=True)
            continue
        except pa.errors.SchemaErrors as errors:
            cases = errors.failure_cases
        quotable = {f.name for f in contract.fields if f.code_list}
        fields_of_rule = {rule.rule: rule.field for rule in contract.row_rules}
        for case in cases.itertuples(index=False):
            if pd.isna(case.index):
                continue
            rule, field_name = _rule_and_field(str(case.check), case.column, fields_of_rule, contract)
            position = int(case.index)
            if (position, field_name, rule) not in faults:
                faults[(position, field_name, rule)] = _row_fault(
                    rows, position, contract, field_name, rule, _message(rule, field_name, case.failure_case, quotable)
                )
    return sorted(faults.values(), key=lambda fault: (fault.file, fault.row_number or 0, fault.field))


def _year_with_the_same_code_lists(rows: pd.DataFrame, contract: TableContract) -> pd.Series:
    """For each row, the earliest collection year whose code lists for the table are its own year's: the years
    between two changes of a list are validated together, as one schema (each validation has a fixed cost that
    a regional pool's many small tables pay ten times over)."""
    code_lists = [f.code_list for f in contract.fields if f.code_list and not f.is_parent_key]
    years = rows["collection_year"].fillna("")
    first_year_with: dict[tuple, str] = {}
    same_lists = {
        year: first_year_with.setdefault(tuple(codes(name, year or None) for name in code_lists), year)
        for year in sorted(years.unique())
    }
    return years.map(same_lists)


def _row_fault(rows, position, contract, field_name, rule, message, severity=ERROR) -> Fault:
    return Fault(
        family=contract.family,
        table=contract.table,
        file=rows.at[position, "source_file"],
        row_number=_line_of(rows, position, field_name),
        field=field_name,
        rule=rule,
        message=message,
        severity=severity,
    )


def _line_of(rows: pd.DataFrame, position: int, field_name: str) -> int:
    """The row's line, or for XML the line of the element holding the field."""
    column = field_line_column(field_name)
    if column in rows.columns and pd.notna(rows.at[position, column]):
        return int(rows.at[position, column])
    return int(rows.at[position, "source_row_number"])


def _rule_and_field(check: str, column: str, fields_of_rule: dict[str, str], contract: TableContract):
    if check == "not_nullable":
        return RULE_MANDATORY, column
    if check == "multiple_fields_uniqueness":
        return f"one row per {' + '.join(contract.unique)}", "+".join(contract.unique)
    if check in fields_of_rule:
        return check, fields_of_rule[check]
    return check, column


def _message(rule: str, field_name: str, value, quotable: set[str]) -> str:
    """What is wrong, quoting the value only when it is a short code (never an identifier or a date)."""
    if rule == RULE_MANDATORY:
        return "blank, but the field is mandatory"
    if field_name in quotable and isinstance(value, str) and QUOTABLE_CODE.match(value):
        return f"value '{value}' breaks the rule: {rule}"
    return f"breaks the rule: {rule}"


def _without(rows: pd.DataFrame, faults: list[Fault], contract: TableContract, key: bytes, result: ContractResult) -> pd.DataFrame:
    """The rows no fault rejected; the rejected ones are kept (pseudonymised) for the quarantine."""
    rejected = {(fault.file, fault.row_number) for fault in faults if fault.severity == ERROR}
    if not rejected:
        return rows
    # A fault names the row's line or the line of one of its fields' elements.
    line_columns = ["source_row_number", *(column for column in map(field_line_column, contract.columns) if column in rows.columns)]
    is_rejected = pd.Series(False, index=rows.index)
    for file in {file for file, _ in rejected}:
        lines = [line for fault_file, line in rejected if fault_file == file]
        in_file = rows["source_file"] == file
        for column in line_columns:
            is_rejected |= in_file & rows[column].isin(lines)
    result.rows_rejected[contract.table] = result.rows_rejected.get(contract.table, 0) + int(is_rejected.sum())
    prepared = prepare_table(rows[is_rejected], contract, key)
    for position, row in prepared.iterrows():
        record = json.dumps({f.name: _json_value(row[f.name]) for f in contract.loaded_fields})
        for line in rows.loc[position, line_columns].dropna():
            if (row["source_file"], line) in rejected:
                result.rejected_records[(row["source_file"], line)] = record
    return rows[~is_rejected]


def _latest_submission(rows: pd.DataFrame, contract: TableContract) -> pd.DataFrame:
    """Where several collection years hold the same record, the latest year's wins (as in the LIIA pipeline).
    Identifiers are compared as they are hashed, so `0012345` in one year and `12345` in the next are one child."""
    if not contract.unique:
        return rows
    identifiers = {f.name for f in contract.fields if f.is_identifier}
    key = pd.DataFrame({
        column: normalised_identifiers(rows[column]) if column in identifiers else rows[column]
        for column in (*contract.unique, "la_code")
    })
    repeated = key.duplicated(keep=False)
    if not repeated.any():
        return rows
    # Only the repeated records are put in order of submission: sorting every row copied a regional pool's text.
    submission_order = ["collection_year", "source_file", "source_row_number"]
    submitted = rows.loc[repeated, submission_order].sort_values(submission_order, na_position="first", kind="stable").index
    superseded = key.loc[submitted].duplicated(keep="last")
    return rows.drop(index=superseded.index[superseded])


def _check_threshold(table: str, contract: TableContract, result: ContractResult, max_percent: float) -> None:
    rejected, total = result.rows_rejected.get(table, 0), result.rows_read.get(table, 0)
    if total and 100 * rejected / total > max_percent:
        result.faults.append(
            Fault(
                contract.family, table, f"{contract.family} {table}", None, "(rows)", RULE_THRESHOLD,
                f"{rejected} of {total} rows rejected, more than the {max_percent:g}% threshold",
            )
        )


def prepare_table(rows: pd.DataFrame, contract: TableContract, key: bytes) -> pd.DataFrame:
    """Rows that passed, typed for the raw layer: dates parsed, identifiers hashed, postcodes cut to sector,
    dropped fields (names, addresses) removed."""
    prepared = rows.drop(
        columns=[f.name for f in contract.fields if f.is_dropped] + [field_line_column(f.name) for f in contract.fields],
        errors="ignore",
    )
    for f in contract.loaded_fields:
        if f.is_date:
            prepared[f.name] = _as_dates(prepared[f.name])
        elif f.is_identifier:
            prepared[f.name] = pseudonymise(prepared[f.name], key)
        elif f.is_postcode:
            prepared[f.name] = postcode_sectors(prepared[f.name])
        elif f.is_number:
            prepared[f.name] = pd.to_numeric(prepared[f.name], errors="coerce")
    return prepared


def _json_value(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)
