"""Reading statutory XML returns safely and in a stream.

The files come from outside the warehouse, so no DOCTYPE is accepted (that refuses entity expansion and
external entities outright), entities are never resolved, nothing is fetched from the network, and elements
are cleared as soon as they are read, so memory does not grow with the file.
"""

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
from lxml import etree

from sources.contracts import (
    RULE_READABLE,
    TEXT,
    Fault,
    TableContract,
    field_line_column,
    with_lineage,
)

PROLOG_BYTES = 65536
RULE_SAFE_XML = "XML has no DOCTYPE or entity declarations"


class UnsafeXml(ValueError):
    """A file declares a DOCTYPE or entities: it could expand entities or reach outside the file."""


def refuse_doctype(path: Path) -> None:
    """Refuse any DOCTYPE or ENTITY declaration before the root element (where XML allows them)."""
    with path.open("rb") as handle:
        prolog = handle.read(PROLOG_BYTES)
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
        raise UnsafeXml(f"{path.name}: a DOCTYPE or entity declaration is not accepted in an extract")


def iter_elements(path: Path, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """Yield each complete element with one of `tags`, then free it."""
    refuse_doctype(path)
    for _, element in etree.iterparse(
        str(path), events=("end",), tag=tags, resolve_entities=False, no_network=True, load_dtd=False,
        huge_tree=False, remove_comments=True, remove_pis=True,
    ):
        yield element
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]


def text_of(element: etree._Element, name: str) -> str | None:
    child = element.find(name)
    return None if child is None or child.text is None else child.text


def xml_file_fault(family: str, source: str, error: Exception) -> Fault:
    """A file that cannot be read safely stops the refresh; the message names the fault, not the content."""
    if isinstance(error, UnsafeXml):
        return Fault(family, "?", source, None, "(file)", RULE_SAFE_XML, "the file declares a DOCTYPE or entities; refused")
    line = getattr(error, "lineno", None)
    where = f" near line {line}" if line else ""
    return Fault(family, "?", source, None, "(file)", RULE_READABLE, f"not well-formed XML{where} (truncated?)")


def header_year_and_lea(header: etree._Element) -> tuple[str | None, str | None]:
    """The collection `Year` and the `LEA` a return's header declares (either may be absent)."""
    year = (header.findtext("CollectionDetails/Year") or "").strip() or None
    lea = (header.findtext("Source/LEA") or "").strip() or None
    return year, lea


class ModuleRecords:
    """The rows of each module table of a return as they are read, with the line of each row and of each
    field's element, so faults can name the line of the value itself."""

    # Values wait in a Python list per column, several times the size of the Arrow array they become: each
    # table's are made into arrays every so many rows, so a large return never holds all of them as lists.
    CHUNK_ROWS = 10_000

    def __init__(self, contracts: tuple[TableContract, ...], lineage: dict):
        self.contracts = contracts
        self.lineage = lineage  # the reader's own, which the return's header may still change
        self.modules = {contract.table: ModuleColumns(contract.columns) for contract in contracts}

    def add(self, contract: TableContract, element: etree._Element, parent_values: dict) -> dict:
        """A module whose record is an element with one child element per field (the first of a repeated one
        counts, as with `find`), or a parent's key; returns the record's values by field."""
        children = {}
        # One pass over the children instead of a search per field.
        for child in element:
            children.setdefault(child.tag, child)
        columns = self.modules[contract.table]
        values = {}
        for name, texts, lines in zip(contract.columns, columns.texts, columns.field_lines):
            child = None if name in parent_values else children.get(name)
            if child is None:
                texts.append(parent_values.get(name))
                lines.append(None)
            else:
                texts.append(child.text)
                lines.append(child.sourceline)
            values[name] = texts[-1]
        columns.end_row(element.sourceline, self.CHUNK_ROWS)
        return values

    def add_value(self, contract: TableContract, element: etree._Element, parent_values: dict) -> None:
        """A module whose record is one element's text (a disability, a factor, a review date)."""
        columns = self.modules[contract.table]
        for name, texts, lines in zip(contract.columns[:-1], columns.texts, columns.field_lines):
            texts.append(parent_values.get(name))
            lines.append(None)
        columns.texts[-1].append(element.text)
        columns.field_lines[-1].append(element.sourceline)
        columns.end_row(element.sourceline, self.CHUNK_ROWS)

    def tables(self) -> dict[str, pa.Table]:
        tables = {}
        for contract in self.contracts:
            columns = self.modules[contract.table]
            columns.make_arrays()
            if not columns.line_arrays:
                continue
            # A header read after some rows (out of the schema's order) still decides the lineage of them all.
            table = with_lineage(
                {name: pa.chunked_array(arrays, TEXT) for name, arrays in zip(contract.columns, columns.text_arrays)},
                self.lineage, pa.chunked_array(columns.line_arrays, pa.int64()).to_numpy(),
            )
            for name, arrays in zip(contract.columns, columns.field_line_arrays):
                table = table.append_column(field_line_column(name), pa.chunked_array(arrays, pa.int64()))
            tables[contract.table] = table
        return tables


class ModuleColumns:
    """One module table's values as read, a list per column, and the Arrow arrays made of earlier rows."""

    def __init__(self, columns: tuple[str, ...]):
        self.texts: list[list] = [[] for _ in columns]
        self.field_lines: list[list] = [[] for _ in columns]
        self.lines: list[int] = []
        self.text_arrays: list[list[pa.Array]] = [[] for _ in columns]
        self.field_line_arrays: list[list[pa.Array]] = [[] for _ in columns]
        self.line_arrays: list[pa.Array] = []

    def end_row(self, line: int, chunk_rows: int) -> None:
        self.lines.append(line)
        if len(self.lines) == chunk_rows:
            self.make_arrays()

    def make_arrays(self) -> None:
        if not self.lines:
            return
        for texts, arrays in zip(self.texts, self.text_arrays):
            arrays.append(pa.array(texts, TEXT))
            texts.clear()
        for lines, arrays in zip(self.field_lines, self.field_line_arrays):
            arrays.append(pa.array(lines, pa.int64()))
            lines.clear()
        self.line_arrays.append(pa.array(self.lines, pa.int64()))
        self.lines.clear()
