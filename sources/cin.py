"""CIN census XML: the children in need return, flattened into one table per module.

Structure and code lists are the DfE's (shared/FORMATS.md 1.1, sources/README.md). Each module row carries the
natural keys of its parents (LAchildID, CINreferralDate, and the assessment or plan start) so that modules join
without file-specific sequence numbers and the latest collection year's record wins across files.
"""

from pathlib import Path

import pandas as pd
from lxml import etree

from sources.contracts import (
    CheckSettings,
    ContractResult,
    CrossTableRule,
    ExtractRows,
    Field,
    RowRule,
    TableContract,
    check_family,
    looked_up,
    not_before,
    parent_rule,
    parse_dates,
    record_keys,
)
from sources.xml_extracts import ModuleRecords, UnsafeXml, header_year_and_lea, iter_elements, text_of, xml_file_fault

FAMILY = "cin"

CHILD = Field("LAchildID", mandatory=True, is_identifier=True)
REFERRAL = Field("CINreferralDate", mandatory=True, is_date=True)
# On module rows the child and episode keys are copies of their parents'; checked once, there.
CHILD_KEY = Field("LAchildID", is_identifier=True, is_parent_key=True)
REFERRAL_KEY = Field("CINreferralDate", is_date=True, is_parent_key=True)
BOOLEAN = "xml_boolean"


def _table(table, fields, unique, row_rules=()) -> TableContract:
    return TableContract(FAMILY, table, tuple(fields), unique=tuple(unique), row_rules=tuple(row_rules))


CHILD_IDENTIFIERS = _table(
    "child_identifiers",
    (CHILD, Field("UPN", is_identifier=True), Field("FormerUPN", is_identifier=True),
     Field("UPNunknown", code_list="upn_unknown"), Field("PersonBirthDate", is_date=True),
     Field("ExpectedPersonBirthDate", is_date=True, may_be_future=True),
     Field("GenderCurrent", code_list="cin_gender_current"), Field("Sex", code_list="cin_sex"),
     Field("PersonDeathDate", is_date=True)),
    ("LAchildID",),
    (RowRule("PersonBirthDate or ExpectedPersonBirthDate is given", "PersonBirthDate",
             lambda rows: rows["PersonBirthDate"].notna() | rows["ExpectedPersonBirthDate"].notna()),),
)
CHILD_CHARACTERISTICS = _table(
    "child_characteristics", (CHILD_KEY, Field("Ethnicity", code_list="ethnicity")), ("LAchildID",)
)
DISABILITIES = _table(
    "disabilities", (CHILD_KEY, Field("Disability", mandatory=True, code_list="cin_disability")), ("LAchildID", "Disability")
)
CIN_DETAILS = _table(
    "details",
    (CHILD_KEY, REFERRAL, Field("ReferralSource", code_list="cin_referral_source"),
     Field("PrimaryNeedCode", code_list="cin_primary_need"), Field("CINclosureDate", is_date=True),
     Field("ReasonForClosure", code_list="cin_reason_for_closure"), Field("DateOfInitialCPC", is_date=True),
     Field("ReferralNFA", code_list=BOOLEAN)),
    ("LAchildID", "CINreferralDate"),
    (RowRule("CINclosureDate is on or after CINreferralDate", "CINclosureDate",
             not_before("CINreferralDate", "CINclosureDate")),
     RowRule("ReasonForClosure is given when CINclosureDate is given, and only then", "ReasonForClosure",
             lambda rows: rows["CINclosureDate"].isna() == rows["ReasonForClosure"].isna())),
)
ASSESSMENT_START = Field("AssessmentActualStartDate", mandatory=True, is_date=True)
ASSESSMENT_START_KEY = Field("AssessmentActualStartDate", is_date=True, is_parent_key=True)
ASSESSMENTS = _table(
    "assessments",
    (CHILD_KEY, REFERRAL_KEY, ASSESSMENT_START, Field("AssessmentInternalReviewDate", is_date=True),
     Field("AssessmentAuthorisationDate", is_date=True)),
    ("LAchildID", "CINreferralDate", "AssessmentActualStartDate"),
    (RowRule("AssessmentAuthorisationDate is on or after AssessmentActualStartDate", "AssessmentAuthorisationDate",
             not_before("AssessmentActualStartDate", "AssessmentAuthorisationDate")),),
)
ASSESSMENT_FACTORS = _table(
    "assessment_factors",
    (CHILD_KEY, REFERRAL_KEY, ASSESSMENT_START_KEY, Field("AssessmentFactors", mandatory=True, code_list="cin_assessment_factor")),
    ("LAchildID", "CINreferralDate", "AssessmentActualStartDate", "AssessmentFactors"),
)
CIN_PLAN_DATES = _table(
    "plan_dates",
    (CHILD_KEY, REFERRAL_KEY, Field("CINPlanStartDate", mandatory=True, is_date=True), Field("CINPlanEndDate", is_date=True)),
    ("LAchildID", "CINreferralDate", "CINPlanStartDate"),
    (RowRule("CINPlanEndDate is on or after CINPlanStartDate", "CINPlanEndDate",
             not_before("CINPlanStartDate", "CINPlanEndDate")),),
)
SECTION47 = _table(
    "section47",
    (CHILD_KEY, REFERRAL_KEY, Field("S47ActualStartDate", mandatory=True, is_date=True),
     Field("InitialCPCtarget", is_date=True, may_be_future=True), Field("DateOfInitialCPC", is_date=True),
     Field("ICPCnotRequired", code_list=BOOLEAN)),
    ("LAchildID", "CINreferralDate", "S47ActualStartDate"),
    (RowRule("DateOfInitialCPC is on or after S47ActualStartDate", "DateOfInitialCPC",
             not_before("S47ActualStartDate", "DateOfInitialCPC")),),
)
CPP_START = Field("CPPstartDate", mandatory=True, is_date=True)
CPP_START_KEY = Field("CPPstartDate", is_date=True, is_parent_key=True)
CHILD_PROTECTION_PLANS = _table(
    "child_protection_plans",
    (CHILD_KEY, REFERRAL_KEY, CPP_START, Field("CPPendDate", is_date=True),
     Field("InitialCategoryOfAbuse", code_list="cin_category_of_abuse"),
     Field("LatestCategoryOfAbuse", code_list="cin_category_of_abuse"), Field("NumberOfPreviousCPP")),
    ("LAchildID", "CINreferralDate", "CPPstartDate"),
    (RowRule("CPPendDate is on or after CPPstartDate", "CPPendDate", not_before("CPPstartDate", "CPPendDate")),),
)
CPP_REVIEWS = _table(
    "cpp_reviews",
    (CHILD_KEY, REFERRAL_KEY, CPP_START_KEY, Field("CPPreviewDate", mandatory=True, is_date=True)),
    ("LAchildID", "CINreferralDate", "CPPstartDate", "CPPreviewDate"),
)
PRE_PROCEEDINGS = _table(
    "pre_proceedings",
    (CHILD_KEY, REFERRAL_KEY, Field("PPStartDate", mandatory=True, is_date=True), Field("LBPSentDate", is_date=True),
     Field("FGDMMeetingOffer"), Field("FGDMMeetingFac"), Field("InitialPPMeetingDate", is_date=True),
     Field("ReviewMeetingsCount"), Field("StepDecisionDate", is_date=True), Field("PPOutcome"),
     Field("CourtAppDate", is_date=True), Field("LetterInitCPDate", is_date=True)),
    ("LAchildID", "CINreferralDate", "PPStartDate"),
)

CONTRACTS = (
    CHILD_IDENTIFIERS, CHILD_CHARACTERISTICS, DISABILITIES, CIN_DETAILS, ASSESSMENTS, ASSESSMENT_FACTORS,
    CIN_PLAN_DATES, SECTION47, CHILD_PROTECTION_PLANS, CPP_REVIEWS, PRE_PROCEEDINGS,
)

# Where each module sits under its parent element, and which element holds one record.
MODULE_PATHS = (
    (ASSESSMENTS, "Assessments"),
    (CIN_PLAN_DATES, "CINPlanDates"),
    (SECTION47, "Section47"),
    (CHILD_PROTECTION_PLANS, "ChildProtectionPlans"),
    (PRE_PROCEEDINGS, "PreProceedingsandFGDM"),
)


def _read_child(child, tables: ModuleRecords) -> None:
    identifiers = child.find("ChildIdentifiers")
    keys = {"LAchildID": text_of(identifiers, "LAchildID") if identifiers is not None else None}
    tables.add(CHILD_IDENTIFIERS, identifiers if identifiers is not None else child, {})
    characteristics = child.find("ChildCharacteristics")
    if characteristics is not None:
        tables.add(CHILD_CHARACTERISTICS, characteristics, keys)
        for disability in characteristics.iterfind("Disabilities/Disability"):
            tables.add_value(DISABILITIES, disability, keys)
    for details in child.iterfind("CINdetails"):
        detail_keys = {**keys, "CINreferralDate": text_of(details, "CINreferralDate")}
        tables.add(CIN_DETAILS, details, keys)
        for contract, path in MODULE_PATHS:
            for module in details.iterfind(path):
                values = tables.add(contract, module, detail_keys)
                if contract is ASSESSMENTS:
                    for factor in module.iterfind("FactorsIdentifiedAtAssessment/AssessmentFactors"):
                        tables.add_value(ASSESSMENT_FACTORS, factor, {**detail_keys, "AssessmentActualStartDate": values["AssessmentActualStartDate"]})
                if contract is CHILD_PROTECTION_PLANS:
                    for review in module.iterfind("Reviews/CPPreviewDate"):
                        tables.add_value(CPP_REVIEWS, review, {**detail_keys, "CPPstartDate": values["CPPstartDate"]})


def collection_year_of(year_element: str | None) -> str | None:
    """`CollectionDetails/Year` is the year the collection ends: 2025 is 2024-25."""
    if not year_element or not year_element.strip().isdigit():
        return None
    end = int(year_element.strip())
    return f"{end - 1}-{end % 100:02d}"


def read_cin_file(path: Path, lineage: dict) -> ExtractRows:
    """One CIN census file, flattened; the header's collection year and LEA take precedence over the path."""
    lineage = dict(lineage)
    tables = ModuleRecords(CONTRACTS, lineage)
    try:
        for element in iter_elements(path, ("Header", "Child")):
            if element.tag == "Header":
                year, lea = header_year_and_lea(element)
                lineage["collection_year"] = collection_year_of(year) or lineage["collection_year"]
                lineage["la_code"] = lea or lineage["la_code"]
            else:
                _read_child(element, tables)
    except (etree.XMLSyntaxError, UnsafeXml) as error:
        return ExtractRows(faults=[xml_file_fault(FAMILY, lineage["source_file"], error)])
    return ExtractRows(tables.tables())


def _keys(rows: pd.DataFrame, date_columns: list[str]) -> pd.Series:
    return record_keys(rows, "LAchildID", date_columns)


def _plan_outside_its_cin_episode(tables: dict[str, pd.DataFrame]) -> pd.Series:
    plans = tables["child_protection_plans"]
    details = tables.get("details")
    if details is None or details.empty:
        return pd.Series(False, index=plans.index)
    closure = looked_up(_keys(plans, EPISODE_KEY), _keys(details, EPISODE_KEY), parse_dates(details["CINclosureDate"]))
    started = parse_dates(plans["CPPstartDate"])
    return (started < parse_dates(plans["CINreferralDate"])) | (closure.notna() & (started > closure))


def _referral_long_before_birth(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """Rule 8606: a referral more than 40 weeks before birth (an unborn child is referred before birth)."""
    details = tables["details"]
    identifiers = tables.get("child_identifiers")
    if identifiers is None or identifiers.empty:
        return pd.Series(False, index=details.index)
    birth = looked_up(_keys(details, []), _keys(identifiers, []), parse_dates(identifiers["PersonBirthDate"]))
    return parse_dates(details["CINreferralDate"]) < birth - pd.Timedelta(weeks=40)


EPISODE_KEY = ["CINreferralDate"]
PARENTS = (
    ("child_characteristics", "child_identifiers", []),
    ("disabilities", "child_identifiers", []),
    ("details", "child_identifiers", []),
    ("assessments", "details", EPISODE_KEY),
    ("plan_dates", "details", EPISODE_KEY),
    ("section47", "details", EPISODE_KEY),
    ("child_protection_plans", "details", EPISODE_KEY),
    ("pre_proceedings", "details", EPISODE_KEY),
    ("assessment_factors", "assessments", [*EPISODE_KEY, "AssessmentActualStartDate"]),
    ("cpp_reviews", "child_protection_plans", [*EPISODE_KEY, "CPPstartDate"]),
)
CROSS_TABLE_RULES = (
    *(parent_rule(table, parent, "LAchildID", keys) for table, parent, keys in PARENTS),
    CrossTableRule("a CP plan sits inside its CIN episode", "child_protection_plans", "CPPstartDate",
                   _plan_outside_its_cin_episode),
    CrossTableRule("a referral is at most 40 weeks before the child's birth", "details", "CINreferralDate",
                   _referral_long_before_birth),
)


def check_extracts(landing_dir: Path, key: bytes, settings: CheckSettings) -> ContractResult:
    """The CIN census files in `<landing>/cin/`, flattened and checked against their contracts."""
    return check_family(
        FAMILY, landing_dir / FAMILY, CONTRACTS, read_cin_file, (".xml",), key, settings, CROSS_TABLE_RULES,
        worker_suffixes=(".xml",),
    )
