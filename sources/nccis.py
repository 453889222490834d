"""CCIS monthly activity CSV (the project's layout, shared/FORMATS.md 2.1): one row per young person per
month-end snapshot, with their NCCIS current activity code."""

from functools import partial
from pathlib import Path

from sources.contracts import CheckSettings, ContractResult, Field, RowRule, TableContract, check_family, not_before
from sources.csv_tables import read_csv_file

FAMILY = "nccis"


ACTIVITY = TableContract(
    FAMILY, "activity",
    (Field("YPID", mandatory=True, is_identifier=True), Field("LAchildID", is_identifier=True),
     Field("DOB", mandatory=True, is_date=True), Field("LA"), Field("SNAPSHOT_DATE", mandatory=True, is_date=True),
     Field("ACTIVITY", mandatory=True, code_list="nccis_activity"), Field("ACTIVITY_START", is_date=True),
     Field("SEND", code_list="nccis_send"), Field("LAC", code_list="yes_no_flag"),
     Field("CARE_LEAVER", code_list="yes_no_flag")),
    row_rules=(RowRule("ACTIVITY_START is on or before SNAPSHOT_DATE", "ACTIVITY_START", not_before("ACTIVITY_START", "SNAPSHOT_DATE")),),
    unique=("YPID", "SNAPSHOT_DATE"),
)

CONTRACTS = (ACTIVITY,)


def check_extracts(landing_dir: Path, key: bytes, settings: CheckSettings) -> ContractResult:
    """The CCIS monthly files in `<landing>/nccis/`, checked against their contract."""
    return check_family(FAMILY, landing_dir / FAMILY, CONTRACTS, partial(read_csv_file, contracts=CONTRACTS), (".csv",), key, settings)
