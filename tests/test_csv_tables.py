"""CSV extracts are read by Arrow when plain and by the csv module otherwise: both give the same rows, line numbers
and faults, whatever the file looks like."""

import pandas as pd
import pytest

from sources import csv_tables
from sources import nccis, sen2

HEADER = "YPID,LAchildID,DOB,LA,SNAPSHOT_DATE,ACTIVITY,ACTIVITY_START,SEND,LAC,CARE_LEAVER"
ROW_1 = "YP1,,15/03/2008,999,31/01/2025,610,01/09/2024,NONE,N,N"
ROW_2 = "YP2,C2,15/04/2008,999,31/01/2025,220,01/09/2024,EHCP,Y,N"
PLAIN = f"{HEADER}\n{ROW_1}\n{ROW_2}\n"

FILES = {
    "plain": PLAIN.encode(),
    "windows line ends": PLAIN.replace("\n", "\r\n").encode(),
    "byte order mark": PLAIN.encode("utf-8-sig"),
    "windows code page": PLAIN.replace("YP2", "YPé2").encode("cp1252"),
    "no newline at the end": PLAIN.rstrip("\n").encode(),
    "cells padded with spaces": PLAIN.replace(",610,", ",  610 ,").encode(),
    "a row of blank cells": f"{HEADER}\n{ROW_1}\n,,, ,,,,,,\n{ROW_2}\n".encode(),
    "blank lines": f"{HEADER}\n{ROW_1}\n\n{ROW_2}\n\n".encode(),
    "a line of spaces": f"{HEADER}\n{ROW_1}\n   \n{ROW_2}\n".encode(),
    "a quoted cell": PLAIN.replace("YP2", '"YP,2"').encode(),
    "a quoted line break": PLAIN.replace("YP2", '"YP\n2"').encode(),
    "a short row": f"{HEADER}\n{ROW_1[:20]}\n{ROW_2}\n".encode(),
    "a short last row cut off": f"{HEADER}\n{ROW_1}\n{ROW_2[:20]}".encode(),
    "a long row": f"{HEADER}\n{ROW_1},extra\n{ROW_2}\n".encode(),
    "an extra column": PLAIN.replace("CARE_LEAVER\n", "CARE_LEAVER,NOTES\n").replace(",N\n", ",N,x\n").encode(),
    "columns reordered and lower case": "dob,ypid,lachildid,la,snapshot_date,activity,activity_start,send,lac,"
                                        "care_leaver\n15/03/2008,YP1,,999,31/01/2025,610,,NONE,N,N\n".encode(),
    "a mandatory column left out": PLAIN.replace("YPID,", "XX,").encode(),
    "only a header": f"{HEADER}\n".encode(),
    "empty": b"",
}
PLAIN_FILES = ["plain", "windows line ends", "byte order mark", "windows code page", "no newline at the end",
               "cells padded with spaces", "a row of blank cells", "blank lines", "an extra column",
               "columns reordered and lower case", "only a header"]


def read(tmp_path, data: bytes, contracts=nccis.CONTRACTS):
    path = tmp_path / "extract.csv"
    path.write_bytes(data)
    return csv_tables.read_csv_file(path, {"source_file": path.name, "la_code": "999"}, contracts)


@pytest.mark.parametrize("name", sorted(FILES))
def test_arrow_and_the_csv_module_read_every_kind_of_file_alike(tmp_path, monkeypatch, name):
    read_by_arrow = read(tmp_path, FILES[name])
    monkeypatch.setattr(csv_tables, "plain_rows", lambda *args: None)
    read_by_csv_module = read(tmp_path, FILES[name])

    assert read_by_arrow.faults == read_by_csv_module.faults
    assert read_by_arrow.tables.keys() == read_by_csv_module.tables.keys()
    for table, rows in read_by_arrow.tables.items():
        pd.testing.assert_frame_equal(rows.to_pandas(), read_by_csv_module.tables[table].to_pandas())


@pytest.mark.parametrize("name", sorted(FILES))
def test_only_plain_files_are_read_by_arrow(tmp_path, monkeypatch, name):
    read_by_arrow = []
    plain_rows = csv_tables.plain_rows

    def recording(*args):
        rows = plain_rows(*args)
        read_by_arrow.append(rows is not None)
        return rows

    monkeypatch.setattr(csv_tables, "plain_rows", recording)
    read(tmp_path, FILES[name])

    assert any(read_by_arrow) == (name in PLAIN_FILES)


def test_line_numbers_count_the_lines_skipped(tmp_path):
    rows = read(tmp_path, FILES["blank lines"]).tables["activity"]

    assert rows["source_row_number"].to_pylist() == [2, 4]


def test_a_column_dropped_at_ingest_may_be_left_out_of_a_plain_file(tmp_path, monkeypatch):
    """SEN2 persons exported without their names: the names are never loaded, so need not be sent."""
    data = b"PersonRef,PersonBirthDate,Sex,Ethnicity,PostCode,UPN,UniqueLearnerNumber,UPNunknown\n" \
           b"P1,2012-03-04,M,WBRI,ZZ99 3HZ,,,UN1\n"
    read_by_arrow = read(tmp_path, data, sen2.CONTRACTS)
    monkeypatch.setattr(csv_tables, "plain_rows", lambda *args: None)
    read_by_csv_module = read(tmp_path, data, sen2.CONTRACTS)

    assert read_by_arrow.faults == read_by_csv_module.faults == []
    persons = read_by_arrow.tables["person"]
    pd.testing.assert_frame_equal(persons.to_pandas(), read_by_csv_module.tables["person"].to_pandas())
    assert persons["Surname"].null_count == persons.num_rows
