"""What every extract contract shares.

A contract is data an analyst can read: the fields of one extract table, which are mandatory, which are
dates, identifiers, postcodes or codes from a list, and the rules that tie fields of one row together. From it
this module builds the pandera schema, checks a table read from CSV, and turns pandera's failure cases into
faults naming the file, row, field and rule. A fault never carries an identifier or a personal value: only
codes (short, from a code list) are quoted back.
"""

import csv
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from sources.code_lists import codes
from sources.pseudonymise import pseudonymise

LINEAGE_COLUMNS = ("source_file", "source_row_number")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
IDENTIFIER_PATTERN = r"^[A-Za-z0-9]{1,20}$"
QUOTABLE_CODE = re.compile(r"^[A-Za-z0-9]{1,8}$")
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9])[A-Z]{2}$")
POSTCODE_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")

RULE_MANDATORY = "mandatory field is present"
RULE_IDENTIFIER = "identifier is letters and digits, at most 20 characters"
RULE_DATE = "date is dd/mm/YYYY or YYYY-MM-DD"
RULE_COLUMNS = "required columns are present"
RULE_READABLE = "file is readable CSV text"


@dataclass(frozen=True)
class Field:
    """One column of an extract table, as the DfE guide (or FORMATS.md) defines it."""

    name: str
    mandatory: bool = False
    code_list: str | None = None
    is_date: bool = False
    is_identifier: bool = False
    is_postcode: bool = False


@dataclass(frozen=True)
class RowRule:
    """A rule across the fields of one row; a broken rule is reported against `field`."""

    rule: str
    field: str
    holds: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class TableContract:
    """The contract of one extract table."""

    family: str
    table: str
    fields: tuple[Field, ...]
    signature: frozenset[str]
    row_rules: tuple[RowRule, ...] = ()
    unique: tuple[str, ...] = ()

    @property
    def raw_table(self) -> str:
        return f"{self.family}_{self.table}"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def schema(self) -> pa.DataFrameSchema:
        return pa.DataFrameSchema(
            {f.name: pa.Column(str, nullable=not f.mandatory, checks=_field_checks(f)) for f in self.fields},
            checks=[pa.Check(rule.holds, error=rule.rule) for rule in self.row_rules],
            unique=list(self.unique) or None,
            report_duplicates="exclude_first",
            strict=False,
            coerce=False,
        )


def _field_checks(f: Field) -> list[pa.Check]:
    if f.code_list:
        return [pa.Check.isin(sorted(codes(f.code_list)), error=code_list_rule(f.code_list))]
    if f.is_date:
        return [pa.Check(lambda values: parse_dates(values).notna(), error=RULE_DATE)]
    if f.is_identifier:
        return [pa.Check.str_matches(IDENTIFIER_PATTERN, error=RULE_IDENTIFIER)]
    return []


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

    def describe(self) -> str:
        where = self.file if self.row_number is None else f"{self.file} row {self.row_number}"
        return f"{where}, field {self.field}: {self.message}"


@dataclass
class ContractResult:
    """A family's extracts after their contracts: the rows that passed, and every fault with its row."""

    family: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    rejected_records: dict[tuple[str, int], str] = field(default_factory=dict)
    files_read: list[str] = field(default_factory=list)
    files_skipped: list[str] = field(default_factory=list)

    def quarantine_frame(self) -> pd.DataFrame:
        """One row per fault, with the rejected row (pseudonymised) as JSON so nothing is lost."""
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
            for fault in self.faults
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
            f"{family} extracts broke their contract ({len(faults)} fault(s)); nothing was published.\n"
            f"{shown}{more}\nThe rejected rows and their reasons are kept in {kept_in}."
        )


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates written dd/mm/YYYY (the DfE form) or ISO; anything else becomes NaT."""
    parsed = pd.to_datetime(values, format=DATE_FORMATS[0], errors="coerce")
    for date_format in DATE_FORMATS[1:]:
        parsed = parsed.fillna(pd.to_datetime(values, format=date_format, errors="coerce"))
    return parsed


def postcode_sector(postcode: str | None) -> str | None:
    """Cut a postcode to its sector ('AB1 2'): full postcodes never reach the warehouse."""
    if postcode is None or pd.isna(postcode):
        return None
    compact = postcode.replace(" ", "").upper()
    full = POSTCODE.match(compact)
    if full:
        return f"{full.group(1)} {full.group(2)}"
    return compact if POSTCODE_OUTWARD.match(compact) else None


def read_csv_header(path: Path) -> list[str]:
    with path.open(newline="", encoding=_encoding_of(path)) as handle:
        return [_column_name(name) for name in next(csv.reader(handle), [])]


def read_csv_table(path: Path, contract: TableContract) -> pd.DataFrame:
    """Every non-blank row as text, with the file name and the row's line number in the file."""
    records, line_numbers = [], []
    with path.open(newline="", encoding=_encoding_of(path)) as handle:
        reader = csv.reader(handle)
        header = [_column_name(name) for name in next(reader)]
        positions = [header.index(column) for column in contract.columns]
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            row = row + [""] * (len(header) - len(row))
            records.append([row[position].strip() for position in positions])
            line_numbers.append(reader.line_num)
    frame = pd.DataFrame(records, columns=list(contract.columns), dtype="object")
    frame = frame.where(frame != "", None)
    for f in contract.fields:
        if f.code_list:
            frame[f.name] = frame[f.name].str.upper()
    frame["source_file"] = path.name
    frame["source_row_number"] = pd.Series(line_numbers, dtype="int64")
    return frame


def _encoding_of(path: Path) -> str:
    """UTF-8 (with or without the BOM Excel writes), else the Windows code page Excel exports in."""
    try:
        path.read_bytes().decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"


def _column_name(name: str) -> str:
    return name.replace("\ufeff", "").strip().upper()


def missing_columns(header: Iterable[str], contract: TableContract) -> list[str]:
    present = set(header)
    return [column for column in contract.columns if column not in present]


def check_table(frame: pd.DataFrame, contract: TableContract) -> list[Fault]:
    """Every fault in the table, one per row, field and rule."""
    try:
        contract.schema().validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    quotable = {f.name for f in contract.fields if f.code_list}
    fields_of_rule = {rule.rule: rule.field for rule in contract.row_rules}
    faults: dict[tuple[int, str, str], Fault] = {}
    for case in cases.itertuples(index=False):
        if pd.isna(case.index):
            continue
        position = int(case.index)
        rule, field_name = _rule_and_field(str(case.check), case.column, fields_of_rule, contract)
        key = (position, field_name, rule)
        if key in faults:
            continue
        faults[key] = Fault(
            family=contract.family,
            table=contract.table,
            file=frame.at[position, "source_file"],
            row_number=int(frame.at[position, "source_row_number"]),
            field=field_name,
            rule=rule,
            message=_message(rule, field_name, case.failure_case, quotable),
        )
    return sorted(faults.values(), key=lambda fault: (fault.file, fault.row_number or 0, fault.field))


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


def prepare_table(frame: pd.DataFrame, contract: TableContract, key: bytes) -> pd.DataFrame:
    """Rows that passed, typed for the raw layer: dates parsed, identifiers hashed, postcodes cut to sector."""
    prepared = frame.copy()
    for f in contract.fields:
        if f.is_date:
            prepared[f.name] = parse_dates(prepared[f.name]).dt.date
        elif f.is_identifier:
            prepared[f.name] = pseudonymise(prepared[f.name], key)
        elif f.is_postcode:
            prepared[f.name] = prepared[f.name].map(postcode_sector)
    return prepared


def rejected_record(row: pd.Series, contract: TableContract, key: bytes) -> str:
    """A rejected row kept for the analyst, with identifiers hashed and postcodes cut like a loaded row."""
    prepared = prepare_table(row.to_frame().T.reset_index(drop=True), contract, key).iloc[0]
    return json.dumps({column: _json_value(prepared[column]) for column in contract.columns})


def _json_value(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def check_family(
    family: str, directory: Path, contracts: tuple[TableContract, ...], key: bytes
) -> ContractResult:
    """Read every CSV extract of a family, recognised by its header row, and check it against its contract."""
    result = ContractResult(family=family)
    frames: dict[str, list[pd.DataFrame]] = {contract.table: [] for contract in contracts}
    for path in sorted(directory.glob("*.csv")) if directory.is_dir() else []:
        try:
            header = read_csv_header(path)
        except (OSError, UnicodeError, csv.Error) as error:
            result.faults.append(Fault(family, "?", path.name, None, "(file)", RULE_READABLE, type(error).__name__))
            continue
        contract = next((c for c in contracts if c.signature <= set(header)), None)
        if contract is None:
            result.files_skipped.append(path.name)
            continue
        result.files_read.append(path.name)
        missing = missing_columns(header, contract)
        if missing:
            result.faults.append(
                Fault(
                    family, contract.table, path.name, None, ", ".join(missing), RULE_COLUMNS,
                    f"the header row lacks {', '.join(missing)}, so the file was not loaded",
                )
            )
            continue
        frames[contract.table].append(read_csv_table(path, contract))
    for contract in contracts:
        if not frames[contract.table]:
            continue
        table = pd.concat(frames[contract.table], ignore_index=True)
        faults = check_table(table, contract)
        result.faults.extend(faults)
        rejected_rows = {(f.file, f.row_number) for f in faults}
        is_rejected = pd.Series(
            [(file, row) in rejected_rows for file, row in zip(table["source_file"], table["source_row_number"])],
            index=table.index,
            dtype=bool,
        )
        for _, row in table[is_rejected].iterrows():
            result.rejected_records[(row["source_file"], int(row["source_row_number"]))] = rejected_record(
                row, contract, key
            )
        result.tables[contract.table] = prepare_table(table[~is_rejected].reset_index(drop=True), contract, key)
    return result
