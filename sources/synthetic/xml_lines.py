"""Write XML one element per line, streamed to the file: no DOM is built, and every value sits on a line of
its own, so a defect can be pointed at by line number."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.sax.saxutils import escape


class XmlLines:
    """An indented XML writer over an open text file."""

    def __init__(self, handle):
        self._handle = handle
        self._depth = 0
        handle.write('<?xml version="1.0" encoding="utf-8"?>\n')

    def open(self, tag: str) -> None:
        self._handle.write(f"{'  ' * self._depth}<{tag}>\n")
        self._depth += 1

    def close(self, tag: str) -> None:
        self._depth -= 1
        self._handle.write(f"{'  ' * self._depth}</{tag}>\n")

    def leaf(self, tag: str, value: object) -> None:
        """One element with a text value; nothing is written for a missing (None or empty) value."""
        if value is None or value == "":
            return
        self._handle.write(f"{'  ' * self._depth}<{tag}>{escape(str(value))}</{tag}>\n")

    def header(self, collection: str, year: int, reference_date: str, la_code: str) -> None:
        """The DfE `Header`: CollectionDetails and Source."""
        self.open("Header")
        self.open("CollectionDetails")
        self.leaf("Collection", collection)
        self.leaf("Year", year)
        self.leaf("ReferenceDate", reference_date)
        self.close("CollectionDetails")
        self.open("Source")
        self.leaf("SourceLevel", "L")
        self.leaf("LEA", la_code)
        self.leaf("SoftwareCode", "csdw-synthetic")
        self.leaf("Release", "1")
        self.leaf("SerialNo", "1")
        self.leaf("DateTime", f"{reference_date}T00:00:00")
        self.close("Source")
        self.close("Header")


@contextmanager
def xml_return(path: Path, collection: str, year: int, reference_date: str, la_code: str,
               container: str) -> Iterator[XmlLines]:
    """A DfE return file: `Message`, its `Header`, and the container (`Children`, `Persons`) to write into."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        xml = XmlLines(handle)
        xml.open("Message")
        xml.header(collection, year, reference_date, la_code)
        xml.open(container)
        yield xml
        xml.close(container)
        xml.close("Message")
