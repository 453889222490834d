"""SSDA903 (children looked after return) CSV tables: their fields and contracts.

Column names and code lists are the DfE's (shared/FORMATS.md section 1.2). Tables are recognised by their
header row, whatever the file is called; the collection year comes from the file's path (sources/README.md).
"""

from functools import partial
from pathlib import Path

import pandas as pd

from sources.contracts import (
    CheckSettings,
    ContractResult,
    CrossTableRule,
    Field,
    RowRule,
    TableContract,
    check_family,
    looked_up,
    not_among,
    not_before,
    parse_dates,
)
from sources.csv_tables import read_csv_file
from sources.pseudonymise import normalised_identifiers

FAMILY = "ssda903"

CHILD = Field("CHILD", mandatory=True, is_identifier=True)
DOB = Field("DOB", mandatory=True, is_date=True)


def _flag(name: str) -> Field:
    return Field(name, code_list="binary_flag")


def _reason_given_with_end(rows: pd.DataFrame) -> pd.Series:
    return rows["DEC"].isna() == rows["REC"].isna()


HEADER = TableContract(
    FAMILY, "header",
    (CHILD, Field("SEX", mandatory=True, code_list="ssda903_sex"), DOB, Field("ETHNIC", mandatory=True, code_list="ethnicity"),
     Field("UPN", is_identifier=True), _flag("MOTHER"), Field("MC_DOB", is_date=True)),
    unique=("CHILD",),
)

EPISODES = TableContract(
    FAMILY, "episodes",
    (CHILD, Field("DECOM", mandatory=True, is_date=True),
     Field("RNE", mandatory=True, code_list="ssda903_reason_new_episode"),
     Field("LS", mandatory=True, code_list="ssda903_legal_status"),
     Field("CIN", mandatory=True, code_list="ssda903_category_of_need"),
     Field("PLACE", mandatory=True, code_list="ssda903_placement_type"),
     Field("PLACE_PROVIDER", code_list="ssda903_placement_provider"),
     Field("DEC", is_date=True), Field("REC", code_list="ssda903_reason_episode_ceased"),
     Field("REASON_PLACE_CHANGE", code_list="ssda903_reason_place_change"),
     Field("HOME_POST", is_postcode=True), Field("PL_POST", is_postcode=True), Field("URN")),
    row_rules=(
        RowRule("DEC is on or after DECOM", "DEC", not_before("DECOM", "DEC")),
        RowRule("REC is given when DEC is given, and only then", "REC", _reason_given_with_end),
    ),
    unique=("CHILD", "DECOM"),
)

REVIEWS = TableContract(
    FAMILY, "reviews",
    (CHILD, DOB, Field("REVIEW", mandatory=True, is_date=True), Field("REVIEW_CODE", code_list="ssda903_review_code")),
    unique=("CHILD", "REVIEW"),
)

UASC = TableContract(
    FAMILY, "uasc",
    (CHILD, Field("SEX", code_list="ssda903_sex"), DOB, Field("DUC", is_date=True)),
    unique=("CHILD",),
)

OC2 = TableContract(
    FAMILY, "oc2",
    (CHILD, DOB, Field("SDQ_SCORE"), Field("SDQ_REASON", code_list="ssda903_sdq_reason"),
     *(_flag(name) for name in ("CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
                                "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"))),
    unique=("CHILD", "collection_year"),
)

OC3 = TableContract(
    FAMILY, "oc3",
    (CHILD, DOB, Field("IN_TOUCH", code_list="ssda903_oc3_in_touch"),
     Field("ACTIV", code_list="ssda903_oc3_activity"), Field("ACCOM", code_list="ssda903_oc3_accommodation")),
    unique=("CHILD", "collection_year"),
)

AD1 = TableContract(
    FAMILY, "ad1",
    (CHILD, DOB, Field("DATE_INT", is_date=True), Field("DATE_MATCH", is_date=True), _flag("FOSTER_CARE"),
     Field("NB_ADOPTR"), Field("SEX_ADOPTR", code_list="ssda903_sex_adopter"),
     Field("LS_ADOPTR", code_list="ssda903_ls_adopter")),
    unique=("CHILD", "collection_year"),
)

PLACED_FOR_ADOPTION = TableContract(
    FAMILY, "placed_for_adoption",
    (CHILD, DOB, Field("DATE_PLACED", mandatory=True, is_date=True), Field("DATE_PLACED_CEASED", is_date=True),
     Field("REASON_PLACED_CEASED", code_list="ssda903_reason_placed_ceased")),
    row_rules=(RowRule("DATE_PLACED_CEASED is on or after DATE_PLACED", "DATE_PLACED_CEASED",
                       not_before("DATE_PLACED", "DATE_PLACED_CEASED")),),
    unique=("CHILD", "DATE_PLACED"),
)

# DATE_PERM is kept as text: the DfE allows an unknown day or month written 'zz'.
PREV_PERM = TableContract(
    FAMILY, "prev_perm",
    (CHILD, DOB, Field("PREV_PERM", code_list="ssda903_prev_perm"), Field("LA_PERM"), Field("DATE_PERM")),
    unique=("CHILD",),
)

MISSING = TableContract(
    FAMILY, "missing",
    (CHILD, DOB, Field("MISSING", mandatory=True, code_list="ssda903_missing"),
     Field("MIS_START", mandatory=True, is_date=True), Field("MIS_END", is_date=True)),
    row_rules=(RowRule("MIS_END is on or after MIS_START", "MIS_END", not_before("MIS_START", "MIS_END")),),
    unique=("CHILD", "MIS_START"),
)

SW_EPISODES = TableContract(
    FAMILY, "sw_episodes",
    (CHILD, DOB, Field("SW_ID", mandatory=True, is_identifier=True), Field("SW_DECOM", mandatory=True, is_date=True),
     Field("SW_DEC", is_date=True), Field("SW_REASON", code_list="ssda903_sw_reason")),
    row_rules=(RowRule("SW_DEC is on or after SW_DECOM", "SW_DEC", not_before("SW_DECOM", "SW_DEC")),),
    unique=("CHILD", "SW_DECOM"),
)

# OC2, OC3 and AD1 describe one collection year each (outcomes at 31 March, care leavers around a birthday,
# adoptions in the year): every year's record is kept, not only the latest.
CONTRACTS = (HEADER, EPISODES, REVIEWS, UASC, OC2, OC3, AD1, PLACED_FOR_ADOPTION, PREV_PERM, MISSING, SW_EPISODES)


def _child_keys(rows: pd.DataFrame) -> pd.Series:
    return rows["la_code"].fillna("") + "|" + normalised_identifiers(rows["CHILD"])


def _episode_child_not_in_header(tables: dict[str, pd.DataFrame]) -> pd.Series:
    return not_among(_child_keys(tables["episodes"]), _child_keys(tables["header"]) if "header" in tables else [])


def _episode_overlaps_previous(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """An episode starting before the child's previous episode ended (or while it is still open)."""
    episodes = tables["episodes"].assign(
        child_key=lambda rows: _child_keys(rows),
        started=lambda rows: parse_dates(rows["DECOM"]),
        ended=lambda rows: parse_dates(rows["DEC"]),
    ).sort_values(["child_key", "started"])
    previous_end = episodes.groupby("child_key")["ended"].shift()
    previous_open = episodes["ended"].isna().groupby(episodes["child_key"]).shift(fill_value=False)
    overlaps = (previous_end > episodes["started"]) | previous_open
    return overlaps.reindex(tables["episodes"].index)


def _episode_before_birth(tables: dict[str, pd.DataFrame]) -> pd.Series:
    episodes = tables["episodes"]
    header = tables.get("header")
    if header is None or header.empty:
        return pd.Series(False, index=episodes.index)
    birth = looked_up(_child_keys(episodes), _child_keys(header), parse_dates(header["DOB"]))
    return parse_dates(episodes["DECOM"]) < birth


CROSS_TABLE_RULES = (
    CrossTableRule("every episode's child is in the header", "episodes", "CHILD", _episode_child_not_in_header),
    CrossTableRule("a child's episodes do not overlap", "episodes", "DECOM", _episode_overlaps_previous),
    CrossTableRule("an episode starts on or after the child's birth", "episodes", "DECOM", _episode_before_birth),
)


def check_extracts(landing_dir: Path, key: bytes, settings: CheckSettings) -> ContractResult:
    """The SSDA903 tables in `<landing>/ssda903/`, checked against their contracts."""
    return check_family(
        FAMILY, landing_dir / FAMILY, CONTRACTS, partial(read_csv_file, contracts=CONTRACTS), (".csv",), key,
        settings, CROSS_TABLE_RULES,
    )
