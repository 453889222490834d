"""SEN2 XML: read safely in a stream, flattened per module, checked against the contracts."""

import dataclasses

import pytest

from sources.contracts import RULE_PARENT
from sources.sen2 import check_extracts
from tests.conftest import CHECK_SETTINGS, TEST_KEY, write_table

KEY = TEST_KEY.encode()
TOLERANT = dataclasses.replace(CHECK_SETTINGS, max_rejected_percent=100.0)
UPN = "A123456789012"
ULN = "1234567890"
MODULES_UNDER_PERSON = (
    "requests", "assessments", "named_plans", "plan_details", "active_plans", "placement_details", "sen_needs",
)


def sen2_xml(persons: str, year: int = 2025) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>SEN2</Collection><Year>{year}</Year><ReferenceDate>{year}-01-16</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>999</LEA><SoftwareCode>test</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo><DateTime>{year}-01-17T09:00:00</DateTime></Source>
  </Header>
  <Persons>
{persons}
  </Persons>
</Message>
"""


def person(identifiers=f"<UPN>{UPN}</UPN>", sex="M", ethnicity="WBRI", request=None) -> str:
    request = request if request is not None else ehcp_request()
    return f"""    <Person>
      <Surname>Synthetic</Surname>
      <Forename>Child</Forename>
      <PersonBirthDate>2012-03-04</PersonBirthDate>
      <Sex>{sex}</Sex>
      <Ethnicity>{ethnicity}</Ethnicity>
      <PostCode>ZZ99 3HZ</PostCode>
      {identifiers}
      <Requests>
{request}
      </Requests>
    </Person>"""


def ehcp_request(assessed="2024-05-20", cease="", reason="", entry="2024-06-01", leaving="", sen_type="ASD") -> str:
    return f"""        <Request>
          <ReceivedDate>2024-02-01</ReceivedDate>
          <RYA>0</RYA>
          <RequestOutcomeDate>2024-03-01</RequestOutcomeDate>
          <RequestOutcome>A</RequestOutcome>
          <Assessment>
            <AssessmentOutcome>Y</AssessmentOutcome>
            <AssessmentOutcomeDate>{assessed}</AssessmentOutcomeDate>
            <Week20>0</Week20>
            <NamedPlan>
              <StartDate>2024-06-01</StartDate>
              <PB>0</PB>
              <CeaseDate>{cease}</CeaseDate>
              <CeaseReason>{reason}</CeaseReason>
              <PlanDetail><URN>100001</URN><PlacementRank>1</PlacementRank><SENunitIndicator>0</SENunitIndicator></PlanDetail>
              <PlanDetail><SENsetting>OLA</SENsetting><PlacementRank>2</PlacementRank></PlanDetail>
            </NamedPlan>
          </Assessment>
          <ActivePlans>
            <LastReview>2025-01-10</LastReview>
            <PhaseTransferDueDate>2026-02-15</PhaseTransferDueDate>
            <PlacementDetail><URN>100001</URN><PlacementRank>1</PlacementRank><EntryDate>{entry}</EntryDate><LeavingDate>{leaving}</LeavingDate></PlacementDetail>
            <SENneed><SENtype>{sen_type}</SENtype><SENtypeRank>1</SENtypeRank></SENneed>
            <SENneed><SENtype>SLCN</SENtype><SENtypeRank>2</SENtypeRank></SENneed>
          </ActivePlans>
        </Request>"""


def write_sen2(settings, name: str, text: str):
    folder = settings.landing_dir / "sen2"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if marker in line)


def test_a_clean_file_is_flattened_into_one_table_per_module_with_parent_keys(settings):
    only_uln = f"<UniqueLearnerNumber>{ULN}</UniqueLearnerNumber>"
    write_sen2(settings, "sen2_2025.xml", sen2_xml(person() + "\n" + person(identifiers=only_uln)))

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert result.faults == []
    assert {table: len(rows) for table, rows in result.tables.items()} == {
        "person": 2, "requests": 2, "assessments": 2, "named_plans": 2, "plan_details": 4, "active_plans": 2,
        "placement_details": 2, "sen_needs": 4,
    }
    people = result.tables["person"].to_pandas()
    assert set(people.collection_year) == {"2025"} and set(people.la_code) == {"999"}
    for table in MODULES_UNDER_PERSON:
        assert set(result.tables[table].to_pandas().PersonRef) == set(people.PersonRef), table
    details = result.tables["plan_details"].to_pandas()
    assert {str(day) for day in details.StartDate} == {"2024-06-01"}
    assert {str(day) for day in details.ReceivedDate} == {"2024-02-01"}
    assert set(result.tables["sen_needs"].to_pandas().SENtype) == {"ASD", "SLCN"}


def test_names_are_dropped_postcodes_cut_and_upn_or_uln_pseudonymised(settings):
    only_uln = f"<UniqueLearnerNumber>{ULN}</UniqueLearnerNumber>"
    write_sen2(settings, "sen2_2025.xml", sen2_xml(person() + "\n" + person(identifiers=only_uln)))

    people = check_extracts(settings.landing_dir, KEY, TOLERANT).tables["person"].to_pandas()

    assert not {"Surname", "Forename"} & set(people.columns)
    assert set(people.PostCode) == {"ZZ99 3"}
    values = set(people.astype(str).to_numpy().ravel())
    assert UPN not in values and ULN not in values
    with_upn, with_uln = people.iloc[0], people.iloc[1]
    assert with_upn.PersonRef == with_upn.UPN, "links to CIN and SSDA903 children by UPN"
    assert with_uln.PersonRef == with_uln.UniqueLearnerNumber


def test_a_bad_sen_type_is_reported_at_the_line_of_its_element(settings):
    text = sen2_xml(person(request=ehcp_request(sen_type="XX")))
    write_sen2(settings, "sen2_2025.xml", text)

    [fault] = check_extracts(settings.landing_dir, KEY, TOLERANT).faults

    assert (fault.table, fault.row_number, fault.field) == ("sen_needs", line_of(text, "<SENtype>XX"), "SENtype")
    assert "'XX'" in fault.message


@pytest.mark.parametrize(
    ("request_xml", "table", "field"),
    [
        (ehcp_request(cease="2024-05-01", reason="9"), "named_plans", "CeaseDate"),
        (ehcp_request(cease="2024-09-01"), "named_plans", "CeaseReason"),
        (ehcp_request(assessed="2024-01-15"), "assessments", "AssessmentOutcomeDate"),
        (ehcp_request(leaving="2024-05-01"), "placement_details", "LeavingDate"),
    ],
    ids=["cease_before_start", "cease_without_reason", "assessed_before_request", "left_before_entry"],
)
def test_dates_out_of_order_are_rejected(settings, request_xml, table, field):
    write_sen2(settings, "sen2_2025.xml", sen2_xml(person(request=request_xml)))

    fault, *cascade = check_extracts(settings.landing_dir, KEY, TOLERANT).faults

    assert (fault.table, fault.field) == (table, field)
    assert all(f.rule == RULE_PARENT for f in cascade)


def test_a_rejected_person_keeps_out_every_module_below_it(settings):
    write_sen2(settings, "sen2_2025.xml", sen2_xml(person(sex="X") + "\n" + person(identifiers="<UPN>B1</UPN>")))

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    fault, *cascade = result.faults
    assert (fault.table, fault.field) == ("person", "Sex")
    assert {(f.table, f.rule) for f in cascade} == {(table, RULE_PARENT) for table in MODULES_UNDER_PERSON}
    assert {table: len(rows) for table, rows in result.tables.items()} == {
        "person": 1, "requests": 1, "assessments": 1, "named_plans": 1, "plan_details": 2, "active_plans": 1,
        "placement_details": 1, "sen_needs": 2,
    }, "the other person loads in full"


def test_the_latest_census_wins_across_files(settings):
    write_sen2(settings, "sen2_2024.xml", sen2_xml(person(ethnicity="WBRI"), year=2024))
    write_sen2(settings, "sen2_2025.xml", sen2_xml(person(ethnicity="WIRI"), year=2025))

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    [latest] = result.tables["person"].to_pandas().itertuples()
    assert (latest.Ethnicity, latest.collection_year) == ("WIRI", "2025")
    assert len(result.tables["sen_needs"]) == 2


def test_the_modules_exported_as_csv_load_like_the_xml(settings):
    folder = settings.landing_dir / "sen2"
    write_table(folder / "sen2_2025_person.csv", ["PersonRef", "PersonBirthDate", "Sex", "Ethnicity", "PostCode", "UPN",
                                                  "UniqueLearnerNumber", "UPNunknown"],
                [{"PersonRef": "A123456789012", "PersonBirthDate": "01/02/2014", "Sex": "M", "Ethnicity": "WBRI",
                  "PostCode": "ZZ99 3AB", "UPN": "A123456789012", "UniqueLearnerNumber": "", "UPNunknown": ""}])
    write_table(folder / "sen2_2025_requests.csv", ["PersonRef", "ReceivedDate", "RequestSource", "RYA", "RequestOutcomeDate",
                                                    "RequestOutcome", "RequestMediation", "RequestTribunal", "Exported"],
                [{"PersonRef": "A123456789012", "ReceivedDate": "2024-03-01", "RequestOutcomeDate": "2024-04-01"}])

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert result.faults == []
    assert len(result.tables["person"]) == len(result.tables["requests"]) == 1
    assert result.tables["person"].to_pandas().iloc[0].PostCode == "ZZ99 3"
    assert result.tables["person"].to_pandas().iloc[0].collection_year == "2025"
    assert result.tables["person"].to_pandas().iloc[0].PersonRef == result.tables["requests"].to_pandas().iloc[0].PersonRef != "A123456789012"
