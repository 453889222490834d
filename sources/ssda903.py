"""SSDA903 (children looked after return) CSV tables: their fields and contracts.

Column names and code lists are the DfE's (shared/FORMATS.md section 1.2). Tables are recognised by their
header row, whatever the file is called.
"""

from pathlib import Path

import pandas as pd

from sources.contracts import ContractResult, Field, RowRule, TableContract, check_family, parse_dates

FAMILY = "ssda903"


def _ends_on_or_after_start(rows: pd.DataFrame) -> pd.Series:
    started, ended = parse_dates(rows["DECOM"]), parse_dates(rows["DEC"])
    return started.isna() | ended.isna() | (ended >= started)


def _reason_given_with_end(rows: pd.DataFrame) -> pd.Series:
    return rows["DEC"].isna() == rows["REC"].isna()


HEADER = TableContract(
    family=FAMILY,
    table="header",
    fields=(
        Field("CHILD", mandatory=True, is_identifier=True),
        Field("SEX", mandatory=True, code_list="ssda903_sex"),
        Field("DOB", mandatory=True, is_date=True),
        Field("ETHNIC", mandatory=True, code_list="ethnicity"),
        Field("UPN", is_identifier=True),
        Field("MOTHER"),
        Field("MC_DOB", is_date=True),
    ),
    signature=frozenset({"CHILD", "DOB", "ETHNIC"}),
    unique=("CHILD",),
)

EPISODES = TableContract(
    family=FAMILY,
    table="episodes",
    fields=(
        Field("CHILD", mandatory=True, is_identifier=True),
        Field("DECOM", mandatory=True, is_date=True),
        Field("RNE", mandatory=True, code_list="ssda903_reason_new_episode"),
        Field("LS", mandatory=True, code_list="ssda903_legal_status"),
        Field("CIN", mandatory=True, code_list="ssda903_category_of_need"),
        Field("PLACE", mandatory=True, code_list="ssda903_placement_type"),
        Field("PLACE_PROVIDER", code_list="ssda903_placement_provider"),
        Field("DEC", is_date=True),
        Field("REC", code_list="ssda903_reason_episode_ceased"),
        Field("REASON_PLACE_CHANGE", code_list="ssda903_reason_place_change"),
        Field("HOME_POST", is_postcode=True),
        Field("PL_POST", is_postcode=True),
        Field("URN"),
    ),
    signature=frozenset({"CHILD", "DECOM", "RNE"}),
    row_rules=(
        RowRule("DEC is on or after DECOM", "DEC", _ends_on_or_after_start),
        RowRule("REC is given when DEC is given, and only then", "REC", _reason_given_with_end),
    ),
    unique=("CHILD", "DECOM"),
)

CONTRACTS = (HEADER, EPISODES)


def check_extracts(landing_dir: Path, key: bytes) -> ContractResult:
    """The SSDA903 tables in `<landing>/ssda903/`, checked against their contracts."""
    return check_family(FAMILY, landing_dir / FAMILY, CONTRACTS, key)
