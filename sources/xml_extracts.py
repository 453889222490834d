"""Reading statutory XML returns safely and in a stream.

The files come from outside the warehouse, so no DOCTYPE is accepted (that refuses entity expansion and
external entities outright), entities are never resolved, nothing is fetched from the network, and elements
are cleared as soon as they are read, so memory does not grow with the file.
"""

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from lxml import etree

from sources.contracts import RULE_READABLE, Fault, TableContract, field_line_column, text_frame

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


def leaf_record(element: etree._Element, names: tuple[str, ...], parent_values: dict) -> tuple[list, list]:
    """The values of `names` under `element` (plus the parent keys), and the line of each field's element
    (None for a parent key or an absent element)."""
    children = {}
    # One pass over the children instead of a search per field; the first of a repeated element counts, as with find.
    for child in element:
        children.setdefault(child.tag, child)
    values, lines = [], []
    for name in names:
        child = None if name in parent_values else children.get(name)
        values.append(parent_values.get(name) if child is None else child.text)
        lines.append(None if child is None else child.sourceline)
    return values, lines


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

    # Rows wait as Python lists, several times the size of the frame they become: each table's are made into
    # a frame every so many rows, so a large return never holds all of its rows as lists at once.
    CHUNK_ROWS = 10_000

    def __init__(self, contracts: tuple[TableContract, ...], lineage: dict):
        self.contracts = contracts
        self.lineage = lineage  # the reader's own, which the return's header may still change
        self.records = {contract.table: [] for contract in contracts}
        self.lines = {contract.table: [] for contract in contracts}
        self.field_lines = {contract.table: [] for contract in contracts}
        self.chunks = {contract.table: [] for contract in contracts}

    def add(self, contract: TableContract, element: etree._Element, parent_values: dict) -> dict:
        """A module whose record is an element with one child element per field."""
        values, lines = leaf_record(element, contract.columns, parent_values)
        self._append(contract, values, element.sourceline, lines)
        return dict(zip(contract.columns, values))

    def add_value(self, contract: TableContract, element: etree._Element, parent_values: dict) -> None:
        """A module whose record is one element's text (a disability, a factor, a review date)."""
        parents = contract.columns[:-1]
        values = [parent_values.get(column) for column in parents] + [element.text]
        self._append(contract, values, element.sourceline, [None] * len(parents) + [element.sourceline])

    def _append(self, contract, values, line, field_lines) -> None:
        records = self.records[contract.table]
        records.append(values)
        self.lines[contract.table].append(line)
        self.field_lines[contract.table].append(field_lines)
        if len(records) == self.CHUNK_ROWS:
            self._make_chunk(contract)

    def _make_chunk(self, contract: TableContract) -> None:
        table = contract.table
        chunk = text_frame(self.records[table], contract.columns, self.lineage, self.lines[table])
        # Lines as integer columns, not an object per row: a family's rows are held until checked.
        field_lines = pd.DataFrame(self.field_lines[table], columns=contract.columns, dtype="Int64")
        for name in contract.columns:
            chunk[field_line_column(name)] = field_lines[name]
        self.chunks[table].append(chunk)
        self.records[table], self.lines[table], self.field_lines[table] = [], [], []

    def frames(self) -> dict[str, pd.DataFrame]:
        frames = {}
        for contract in self.contracts:
            if self.records[contract.table]:
                self._make_chunk(contract)
            if self.chunks[contract.table]:
                frame = pd.concat(self.chunks[contract.table], ignore_index=True)
                # A header read after some rows (out of the schema's order) still decides the lineage of them all.
                for name, value in self.lineage.items():
                    frame[name] = value
                frames[contract.table] = frame
        return frames
