"""Reading extract tables exported as CSV: recognised by their header row, whatever the file is called."""

import csv
import functools
import io
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from sources.contracts import (
    RULE_COLUMNS,
    RULE_KNOWN_TABLE,
    RULE_READABLE,
    WARNING,
    ExtractRows,
    Fault,
    TEXT,
    TableContract,
    text_table,
    with_lineage,
)


def decoded(data: bytes) -> tuple[str, str]:
    """The file's text and its encoding: UTF-8 (with or without the BOM Excel writes), else the Windows code page
    Excel exports in."""
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


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
        data = path.read_bytes()
        text, encoding = decoded(data)
        reader = csv.reader(io.StringIO(text, newline=""))
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
        plain = plain_rows(data, encoding, len(header))
        if plain is not None:
            rows = plain_text_table(plain, positions, contract.columns, lineage)
        else:
            records, line_numbers, truncated = [], [], False
            for row in reader:
                # A row of blank cells is skipped; joining first tests every cell in one C call.
                if not "".join(row).strip():
                    continue
                if len(row) < len(header):
                    truncated = True
                    row = row + [""] * (len(header) - len(row))
                records.append([None if position is None else row[position] for position in positions])
                line_numbers.append(reader.line_num)
            if truncated and not data.endswith((b"\n", b"\r")):
                return ExtractRows(faults=[Fault(family, contract.table, source, None, "(file)", RULE_READABLE,
                                                 "the file ends in the middle of a row: it looks truncated")])
            rows = text_table(records, contract.columns, lineage, line_numbers)
    except (UnicodeError, csv.Error) as error:
        return ExtractRows(faults=[Fault(family, "?", source, None, "(file)", RULE_READABLE, type(error).__name__)])
    extra = [name for name in header if name.upper() not in {column.upper() for column in contract.columns}]
    faults = [Fault(family, contract.table, source, None, ", ".join(extra), RULE_COLUMNS,
                    "columns not in the contract were ignored", WARNING)] if extra else []
    return ExtractRows({contract.table: rows}, faults)


def plain_rows(data: bytes, encoding: str, columns: int) -> pa.Table | None:
    """The rows after the header as columns of text, read by Arrow at C speed, when the file is plain: no quotes
    (so every row is one line), no NUL bytes, "\n" or "\r\n" line ends, and every row as wide as the header. An
    empty line is a row of empty cells to Arrow, left out later as the csv module leaves it out; a line of spaces
    is one cell, narrower than the header. Anything else is None and is read row by row by the csv module, which
    reports what is wrong with it; both give the same rows and line numbers (tests/test_csv_tables.py)."""
    if columns < 2 or b'"' in data or data.count(b"\r") != data.count(b"\r\n") or b"\x00" in data:
        return None
    # UTF-8 is read by Arrow itself; named as any other encoding (even "utf-8-sig") it is decoded through Python's
    # codecs first, a third of the reading time. A BOM is in the header line, which is skipped.
    arrow_encoding = "utf8" if encoding == "utf-8-sig" else encoding
    read_options = pa_csv.ReadOptions(encoding=arrow_encoding, skip_rows=1, column_names=[f"column {number}" for number in range(columns)])
    # A file of one Arrow block is read by one thread anyway: handing it to the thread pool only costs CPU time
    # (a tenth of an SSDA903 year's reading).
    read_options.use_threads = len(data) > read_options.block_size
    try:
        return pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=read_options,
            parse_options=pa_csv.ParseOptions(quote_char=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"column {number}": TEXT for number in range(columns)},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None


def plain_text_table(rows: pa.Table, positions: list[int | None], columns: Iterable[str], lineage: dict) -> pa.Table:
    """`text_table` of a plain file's rows: the contract's columns in order (an absent optional one missing),
    rows of blank cells left out, each row's line number its place after the header."""
    texts = rows.columns
    line_numbers = pa.array(range(2, rows.num_rows + 2), pa.int64())
    absent = pa.nulls(rows.num_rows, TEXT)
    # A blank row's first cell is blank: only then are the other cells looked at (a regional pool's thousands of
    # small files made each call on every column of every file dear).
    if pc.any(is_blank(texts[0])).as_py():
        kept = pc.invert(functools.reduce(pc.and_, map(is_blank, texts)))
        texts = [pc.filter(column, kept) for column in texts]
        line_numbers, absent = pc.filter(line_numbers, kept), pc.filter(absent, kept)
    return with_lineage(
        {name: texts[position] if position is not None else absent for name, position in zip(columns, positions)},
        lineage, line_numbers.to_numpy(),
    )


def is_blank(texts: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.equal(pc.utf8_trim_whitespace(texts), "")
