"""Reading extract tables exported as CSV: recognised by their header row, whatever the file is called."""

import csv
from pathlib import Path

from sources.contracts import (
    RULE_COLUMNS,
    RULE_KNOWN_TABLE,
    RULE_READABLE,
    WARNING,
    ExtractRows,
    Fault,
    TableContract,
    text_frame,
)


def encoding_of(path: Path) -> str:
    """UTF-8 (with or without the BOM Excel writes), else the Windows code page Excel exports in."""
    try:
        path.read_bytes().decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"


def column_name(name: str) -> str:
    return name.replace("\ufeff", "").strip()


def recognise(header: list[str], contracts: tuple[TableContract, ...]) -> TableContract | None:
    """The table whose columns the header holds best (compared without case), provided it holds at least
    half of them: a file missing a column is still recognised, and then reported for the missing column."""
    present = {name.upper() for name in header}

    def share(contract: TableContract) -> float:
        return len(present & {column.upper() for column in contract.columns}) / len(contract.columns)

    best = max(contracts, key=share)
    return best if share(best) >= 0.5 else None


def read_csv_file(path: Path, lineage: dict, contracts: tuple[TableContract, ...]) -> ExtractRows:
    """One CSV extract as text rows of its table, each with its line number in the file."""
    family = contracts[0].family
    source = lineage["source_file"]
    try:
        with path.open(newline="", encoding=encoding_of(path)) as handle:
            reader = csv.reader(handle)
            header = [column_name(name) for name in next(reader, [])]
            contract = recognise(header, contracts)
            if contract is None:
                return ExtractRows(faults=[Fault(family, "?", source, None, "(header row)", RULE_KNOWN_TABLE,
                                                 "the header row matches no table of this family")])
            by_upper = {name.upper(): position for position, name in enumerate(header)}
            # Fields dropped at ingest (names, addresses) need not be exported at all.
            missing = [f.name for f in contract.fields if not f.is_dropped and f.name.upper() not in by_upper]
            if missing:
                return ExtractRows(faults=[Fault(family, contract.table, source, None, ", ".join(missing), RULE_COLUMNS,
                                                 f"the header row lacks {', '.join(missing)}, so the file was not loaded")])
            positions = [by_upper.get(column.upper()) for column in contract.columns]
            records, line_numbers, truncated = [], [], False
            for row in reader:
                # A row of blank cells is skipped; joining first tests every cell in one C call.
                if not "".join(row).strip():
                    continue
                if len(row) < len(header):
                    truncated = True
                    row = row + [""] * (len(header) - len(row))
                records.append(["" if position is None else row[position] for position in positions])
                line_numbers.append(reader.line_num)
    except (OSError, UnicodeError, csv.Error) as error:
        return ExtractRows(faults=[Fault(family, "?", source, None, "(file)", RULE_READABLE, type(error).__name__)])
    if truncated and not path.read_bytes().endswith((b"\n", b"\r")):
        return ExtractRows(faults=[Fault(family, contract.table, source, None, "(file)", RULE_READABLE,
                                         "the file ends in the middle of a row: it looks truncated")])
    extra = [name for name in header if name.upper() not in {column.upper() for column in contract.columns}]
    faults = [Fault(family, contract.table, source, None, ", ".join(extra), RULE_COLUMNS,
                    "columns not in the contract were ignored", WARNING)] if extra else []
    return ExtractRows({contract.table: text_frame(records, contract.columns, lineage, line_numbers)}, faults)
