"""Social work workforce HR extracts in CSWW terms (the project's layout, shared/FORMATS.md 2.2 and 1.4):
worker role records, funded establishment, and caseload snapshots."""

from functools import partial
from pathlib import Path

import pandas as pd

from sources.contracts import CheckSettings, ContractResult, Field, RowRule, TableContract, check_family, not_before
from sources.csv_tables import read_csv_file

FAMILY = "workforce"
SWENO = Field("SWENo", mandatory=True, is_identifier=True)
TEAM = Field("Team", mandatory=True)
ORG_ROLE = Field("OrgRole", mandatory=True, code_list="csww_org_role")


def _in_range(column: str, low: float, high: float, low_inclusive: bool):
    def holds(rows: pd.DataFrame) -> pd.Series:
        values = pd.to_numeric(rows[column], errors="coerce")
        above = values >= low if low_inclusive else values > low
        return values.isna() | (above & (values <= high))

    return holds


WORKERS = TableContract(
    FAMILY, "workers",
    (SWENO, TEAM, ORG_ROLE, Field("AgencyWorker", mandatory=True, code_list="csww_agency_worker"),
     Field("FTE", mandatory=True, is_number=True), Field("RoleStartDate", mandatory=True, is_date=True),
     Field("RoleEndDate", is_date=True), Field("ReasonLeave", code_list="csww_reason_leave"),
     Field("StartOrigin", code_list="csww_start_origin"), Field("LeaverDestination", code_list="csww_leaver_destination")),
    row_rules=(
        RowRule("FTE is more than 0 and at most 1", "FTE", _in_range("FTE", 0, 1, low_inclusive=False)),
        RowRule("RoleEndDate is on or after RoleStartDate", "RoleEndDate", not_before("RoleStartDate", "RoleEndDate")),
    ),
    unique=("SWENo", "Team", "OrgRole", "RoleStartDate"),
)

ESTABLISHMENT = TableContract(
    FAMILY, "establishment",
    (TEAM, ORG_ROLE, Field("EffectiveFrom", mandatory=True, is_date=True), Field("FundedFTE", mandatory=True, is_number=True)),
    row_rules=(RowRule("FundedFTE is not negative", "FundedFTE", _in_range("FundedFTE", 0, float("inf"), low_inclusive=True)),),
    unique=("Team", "OrgRole", "EffectiveFrom"),
)

CASELOADS = TableContract(
    FAMILY, "caseloads",
    (SWENO, Field("SnapshotDate", mandatory=True, is_date=True), Field("Cases", mandatory=True, is_number=True)),
    row_rules=(RowRule("Cases is not negative", "Cases", _in_range("Cases", 0, float("inf"), low_inclusive=True)),),
    unique=("SWENo", "SnapshotDate"),
)

CONTRACTS = (WORKERS, ESTABLISHMENT, CASELOADS)


def check_extracts(landing_dir: Path, key: bytes, settings: CheckSettings) -> ContractResult:
    """The workforce files in `<landing>/workforce/`, checked against their contracts."""
    return check_family(FAMILY, landing_dir / FAMILY, CONTRACTS, partial(read_csv_file, contracts=CONTRACTS), (".csv",), key, settings)
