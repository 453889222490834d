"""SEN2 XML: the person-level EHC plan return, flattened into one table per module.

Structure and code lists are the DfE's (shared/FORMATS.md 1.3, sources/README.md). SEN2 has no LAchildID: a
person is known by UPN, or by ULN when there is no UPN, so every module row carries that as `PersonRef`
(pseudonymised like any identifier, so it links to CIN and SSDA903 children by UPN) together with the natural
keys of its parents (the request's ReceivedDate, the plan's StartDate). Modules then join without
file-specific sequence numbers, and the latest census's record wins across files.

Flags are checked against `xml_boolean` where MastodonC/witan.sen2 reads them as booleans. Items whose codes
FORMATS.md does not give (RequestSource, RequestOutcome, Exported, AssessmentOutcome, PlanRes, PlanWBP, DP,
TransferLA, ReviewOutcome, RES, WBP) are loaded as text, unchecked, until their lists are in the code lists seed.
"""

import re
from pathlib import Path

from lxml import etree

from sources.contracts import (
    CheckSettings,
    ContractResult,
    ExtractRows,
    Field,
    RowRule,
    TableContract,
    check_family,
    not_before,
    parent_rule,
)
from sources.csv_tables import read_csv_file
from sources.xml_extracts import ModuleRecords, UnsafeXml, header_year_and_lea, iter_elements, text_of, xml_file_fault

FAMILY = "sen2"

PERSON_REF = Field("PersonRef", mandatory=True, is_identifier=True)
RECEIVED = Field("ReceivedDate", mandatory=True, is_date=True)
PLAN_START = Field("StartDate", mandatory=True, is_date=True)
# On module rows the person, request and plan keys are copies of their parents'; checked once, there.
PERSON_KEY = Field("PersonRef", is_identifier=True, is_parent_key=True)
RECEIVED_KEY = Field("ReceivedDate", is_date=True, is_parent_key=True)
PLAN_START_KEY = Field("StartDate", is_date=True, is_parent_key=True)
BOOLEAN = "xml_boolean"
CENSUS_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def _flags(*names: str) -> tuple[Field, ...]:
    return tuple(Field(name, code_list=BOOLEAN) for name in names)


def _table(table, fields, unique, row_rules=()) -> TableContract:
    return TableContract(FAMILY, table, tuple(fields), unique=tuple(unique), row_rules=tuple(row_rules))


PERSON = _table(
    "person",
    (PERSON_REF, Field("Surname", is_dropped=True), Field("Forename", is_dropped=True),
     Field("PersonBirthDate", mandatory=True, is_date=True), Field("Sex", code_list="cin_sex"),
     Field("Ethnicity", code_list="ethnicity"), Field("PostCode", is_postcode=True), Field("UPN", is_identifier=True),
     Field("UniqueLearnerNumber", is_identifier=True), Field("UPNunknown", code_list="upn_unknown")),
    ("PersonRef",),
)
REQUESTS = _table(
    "requests",
    (PERSON_KEY, RECEIVED, Field("RequestSource"), *_flags("RYA"), Field("RequestOutcomeDate", is_date=True),
     Field("RequestOutcome"), *_flags("RequestMediation", "RequestTribunal"), Field("Exported")),
    ("PersonRef", "ReceivedDate"),
    (RowRule("RequestOutcomeDate is on or after ReceivedDate", "RequestOutcomeDate",
             not_before("ReceivedDate", "RequestOutcomeDate")),),
)
ASSESSMENTS = _table(
    "assessments",
    (PERSON_KEY, RECEIVED_KEY, Field("AssessmentOutcome"), Field("AssessmentOutcomeDate", is_date=True),
     *_flags("AssessmentMediation", "AssessmentTribunal", "OtherMediation", "OtherTribunal", "Week20")),
    ("PersonRef", "ReceivedDate"),
    (RowRule("AssessmentOutcomeDate is on or after ReceivedDate", "AssessmentOutcomeDate",
             not_before("ReceivedDate", "AssessmentOutcomeDate")),),
)
NAMED_PLANS = _table(
    "named_plans",
    (PERSON_KEY, RECEIVED_KEY, PLAN_START, Field("PlanRes"), Field("PlanWBP"), *_flags("PB", "OA"), Field("DP"),
     Field("CeaseDate", is_date=True), Field("CeaseReason", code_list="sen2_cease_reason")),
    ("PersonRef", "ReceivedDate", "StartDate"),
    (RowRule("CeaseDate is on or after StartDate", "CeaseDate", not_before("StartDate", "CeaseDate")),
     RowRule("CeaseReason is given when CeaseDate is given, and only then", "CeaseReason",
             lambda rows: rows["CeaseDate"].isna() == rows["CeaseReason"].isna())),
)
# A setting is named by URN, UKPRN or (for settings without one) SENsetting: together they say which setting.
SETTING = ("URN", "UKPRN", "SENsetting")
PLAN_DETAILS = _table(
    "plan_details",
    (PERSON_KEY, RECEIVED_KEY, PLAN_START_KEY, Field("URN"), Field("UKPRN"), Field("SENsetting", code_list="sen2_sen_setting"),
     Field("SENsettingOther"), Field("PlacementRank", is_number=True),
     *_flags("SENunitIndicator", "ResourcedProvisionIndicator")),
    ("PersonRef", "ReceivedDate", "StartDate", *SETTING),
)
ACTIVE_PLANS = _table(
    "active_plans",
    (PERSON_KEY, RECEIVED_KEY, Field("TransferLA"), Field("ReviewMeeting", is_date=True), Field("ReviewOutcome"),
     Field("ReviewDraft", is_date=True), Field("PhaseTransferDueDate", is_date=True, may_be_future=True),
     Field("PhaseTransferFinalDate", is_date=True), Field("LastReview", is_date=True)),
    ("PersonRef", "ReceivedDate"),
)
PLACEMENT_DETAILS = _table(
    "placement_details",
    (PERSON_KEY, RECEIVED_KEY, Field("URN"), Field("UKPRN"), Field("SENsetting", code_list="sen2_sen_setting"),
     Field("PlacementRank", is_number=True), Field("EntryDate", is_date=True), Field("LeavingDate", is_date=True),
     *_flags("SENunitIndicator", "ResourcedProvisionIndicator"), Field("RES"), Field("WBP")),
    ("PersonRef", "ReceivedDate", *SETTING, "EntryDate"),
    (RowRule("LeavingDate is on or after EntryDate", "LeavingDate", not_before("EntryDate", "LeavingDate")),),
)
SEN_NEEDS = _table(
    "sen_needs",
    (PERSON_KEY, RECEIVED_KEY, Field("SENtype", mandatory=True, code_list="sen2_sen_type"),
     Field("SENtypeRank", is_number=True)),
    ("PersonRef", "ReceivedDate", "SENtype"),
)

CONTRACTS = (PERSON, REQUESTS, ASSESSMENTS, NAMED_PLANS, PLAN_DETAILS, ACTIVE_PLANS, PLACEMENT_DETAILS, SEN_NEEDS)


def person_ref(person) -> str | None:
    """The person's UPN, or their ULN when the UPN is blank."""
    for name in ("UPN", "UniqueLearnerNumber"):
        value = (text_of(person, name) or "").strip()
        if value:
            return value
    return None


def _read_person(person, tables: ModuleRecords) -> None:
    # PersonRef is derived, not an element: it is passed like a parent key, and its faults name the Person line.
    keys = {"PersonRef": person_ref(person)}
    tables.add(PERSON, person, keys)
    for request in person.iterfind("Requests/Request"):
        request_keys = {**keys, "ReceivedDate": tables.add(REQUESTS, request, keys)["ReceivedDate"]}
        for assessment in request.iterfind("Assessment"):
            tables.add(ASSESSMENTS, assessment, request_keys)
            for plan in assessment.iterfind("NamedPlan"):
                plan_keys = {**request_keys, "StartDate": tables.add(NAMED_PLANS, plan, request_keys)["StartDate"]}
                for detail in plan.iterfind("PlanDetail"):
                    tables.add(PLAN_DETAILS, detail, plan_keys)
        for active in request.iterfind("ActivePlans"):
            tables.add(ACTIVE_PLANS, active, request_keys)
            for placement in active.iterfind("PlacementDetail"):
                tables.add(PLACEMENT_DETAILS, placement, request_keys)
            for need in active.iterfind("SENneed"):
                tables.add(SEN_NEEDS, need, request_keys)


def census_year_of(year_element: str | None, path_year: str | None) -> str | None:
    """SEN2 is a January census known by its calendar year: the header's `Year` (2025), else the path's
    collection year read the same way (2024-25 is the 2025 census)."""
    if year_element and year_element.strip().isdigit():
        return year_element.strip()
    return f"{path_year[:2]}{path_year[-2:]}" if path_year else None


def read_sen2_file(path: Path, lineage: dict) -> ExtractRows:
    """One SEN2 file, flattened; the header's census year and LEA take precedence over the path."""
    lineage, header_year = dict(lineage), None
    tables = ModuleRecords(CONTRACTS, lineage)
    try:
        for element in iter_elements(path, ("Header", "Person")):
            if element.tag == "Header":
                header_year, lea = header_year_and_lea(element)
                lineage["la_code"] = lea or lineage["la_code"]
            else:
                _read_person(element, tables)
    except (etree.XMLSyntaxError, UnsafeXml) as error:
        return ExtractRows(faults=[xml_file_fault(FAMILY, lineage["source_file"], error)])
    lineage["collection_year"] = census_year_of(header_year, lineage["collection_year"])
    return ExtractRows(tables.tables())


# Parents before children: a rejected person keeps out its requests, which keep out their modules in turn.
REQUEST_KEY = ["ReceivedDate"]
PARENTS = (
    ("requests", "person", []),
    ("assessments", "requests", REQUEST_KEY),
    ("active_plans", "requests", REQUEST_KEY),
    ("named_plans", "assessments", REQUEST_KEY),
    ("plan_details", "named_plans", [*REQUEST_KEY, "StartDate"]),
    ("placement_details", "active_plans", REQUEST_KEY),
    ("sen_needs", "active_plans", REQUEST_KEY),
)
CROSS_TABLE_RULES = tuple(parent_rule(table, parent, "PersonRef", keys) for table, parent, keys in PARENTS)


def read_sen2_csv_file(path: Path, lineage: dict) -> ExtractRows:
    """One SEN2 module exported as CSV: the columns of its flattened table, the person as `PersonRef`."""
    census_year = CENSUS_YEAR.search(path.name)
    lineage = {**lineage, "collection_year": census_year.group(1) if census_year else None}
    return read_csv_file(path, lineage, CONTRACTS)


def read_file(path: Path, lineage: dict) -> ExtractRows:
    return read_sen2_csv_file(path, lineage) if path.suffix.lower() == ".csv" else read_sen2_file(path, lineage)


def check_extracts(landing_dir: Path, key: bytes, settings: CheckSettings) -> ContractResult:
    """The SEN2 files in `<landing>/sen2/` (the XML return, or its modules as CSV), checked against their
    contracts."""
    return check_family(
        FAMILY, landing_dir / FAMILY, CONTRACTS, read_file, (".xml", ".csv"), key, settings, CROSS_TABLE_RULES,
        worker_suffixes=(".xml",),
    )
