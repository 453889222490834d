"""CIN census XML: read safely in a stream, flattened per module, checked against the contracts."""

import dataclasses

import pandas as pd

from sources.cin import check_extracts
from sources.contracts import RULE_MANDATORY, RULE_PARENT
from sources.xml_extracts import ModuleRecords
from tests.conftest import CHECK_SETTINGS, TEST_KEY

KEY = TEST_KEY.encode()
TOLERANT = dataclasses.replace(CHECK_SETTINGS, max_rejected_percent=100.0)


def cin_xml(children: str, year: int = 2025) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>{year}</Year><ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>999</LEA><SoftwareCode>test</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo><DateTime>{year}-04-02T09:00:00</DateTime></Source>
  </Header>
  <Children>
{children}
  </Children>
</Message>
"""


def child(child_id="CHILD1", sex="<Sex>F</Sex>", details=None) -> str:
    details = details if details is not None else referral()
    return f"""    <Child>
      <ChildIdentifiers>
        <LAchildID>{child_id}</LAchildID>
        <UPN>A123456789012</UPN>
        <PersonBirthDate>2015-06-01</PersonBirthDate>
        {sex}
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities>
      </ChildCharacteristics>
{details}
    </Child>"""


def referral(referral_date="2024-05-01", closure="", reason="", plan_start="2024-06-10", source="1A") -> str:
    closure_xml = f"<CINclosureDate>{closure}</CINclosureDate><ReasonForClosure>{reason}</ReasonForClosure>" if closure else ""
    return f"""      <CINdetails>
        <CINreferralDate>{referral_date}</CINreferralDate>
        <ReferralSource>{source}</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        {closure_xml}
        <ReferralNFA>false</ReferralNFA>
        <Assessments>
          <AssessmentActualStartDate>2024-05-02</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2024-06-01</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>3B</AssessmentFactors>
            <AssessmentFactors>4B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <Section47>
          <S47ActualStartDate>2024-05-20</S47ActualStartDate>
          <DateOfInitialCPC>2024-06-10</DateOfInitialCPC>
          <ICPCnotRequired>false</ICPCnotRequired>
        </Section47>
        <ChildProtectionPlans>
          <CPPstartDate>{plan_start}</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
          <Reviews><CPPreviewDate>2024-09-01</CPPreviewDate></Reviews>
        </ChildProtectionPlans>
      </CINdetails>"""


def write_cin(settings, name: str, text: str):
    path = settings.landing_dir / "cin" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_a_clean_file_is_flattened_into_one_table_per_module_with_parent_keys(settings):
    write_cin(settings, "cin_census_2024-25.xml", cin_xml(child("CHILD1") + "\n" + child("CHILD2")))

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert result.faults == []
    counts = {table: len(rows) for table, rows in result.tables.items()}
    assert counts == {
        "child_identifiers": 2, "child_characteristics": 2, "disabilities": 2, "details": 2, "assessments": 2,
        "assessment_factors": 4, "section47": 2, "child_protection_plans": 2, "cpp_reviews": 2,
    }
    factors = result.tables["assessment_factors"].to_pandas()
    assert set(factors.AssessmentFactors) == {"3B", "4B"}
    assert str(factors.iloc[0].AssessmentActualStartDate) == "2024-05-02"
    assert set(result.tables["details"].to_pandas().collection_year) == {"2024-25"}
    assert set(result.tables["details"].to_pandas().la_code) == {"999"}
    assert set(result.tables["details"].to_pandas().LAchildID) == set(result.tables["child_protection_plans"].to_pandas().LAchildID)
    assert "CHILD1" not in set(result.tables["child_identifiers"].to_pandas().LAchildID)


def test_a_bad_code_is_reported_at_the_line_of_its_element(settings):
    text = cin_xml(child(details=referral(source="ZZ")))
    write_cin(settings, "cin_census_2024-25.xml", text)
    expected_line = next(n for n, line in enumerate(text.splitlines(), start=1) if "<ReferralSource>" in line)

    fault, *cascade = check_extracts(settings.landing_dir, KEY, TOLERANT).faults

    assert (fault.table, fault.row_number, fault.field) == ("details", expected_line, "ReferralSource")
    assert "'ZZ'" in fault.message
    assert {(f.table, f.rule) for f in cascade} == {
        (table, RULE_PARENT)
        for table in ("assessments", "assessment_factors", "section47", "child_protection_plans", "cpp_reviews")
    }, "the episode's modules are kept out with it, under their own rule"


def test_rows_made_into_frames_a_few_at_a_time_are_the_rows_read_at_once(settings, monkeypatch):
    text = cin_xml(child("CHILD1") + "\n" + child("CHILD2", details=referral(source="ZZ")) + "\n" + child("CHILD3"))
    header = text[text.index("  <Header>"):text.index("</Header>") + len("</Header>\n")]
    # The header last, after rows already made into frames: its year must still reach every row.
    write_cin(settings, "return.xml", text.replace(header, "").replace("</Message>", header + "</Message>"))

    at_once = check_extracts(settings.landing_dir, KEY, TOLERANT)
    monkeypatch.setattr(ModuleRecords, "CHUNK_ROWS", 1)
    a_few_at_a_time = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert at_once.faults and a_few_at_a_time.faults == at_once.faults
    assert list(a_few_at_a_time.tables) == list(at_once.tables)
    for table, rows in at_once.tables.items():
        pd.testing.assert_frame_equal(a_few_at_a_time.tables[table].to_pandas(), rows.to_pandas())
    assert set(a_few_at_a_time.tables["details"].to_pandas().collection_year) == {"2024-25"}


def test_a_child_without_an_identifier_is_rejected_with_all_its_modules(settings):
    write_cin(settings, "cin_census_2024-25.xml", cin_xml(child("") + "\n" + child("CHILD2")))

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert {(f.table, f.rule) for f in result.faults if f.table == "child_identifiers"} == {("child_identifiers", RULE_MANDATORY)}
    assert {f.rule for f in result.faults if f.table != "child_identifiers"} == {RULE_PARENT}
    assert all(rows["LAchildID"].null_count == 0 for rows in result.tables.values())


def test_gender_element_follows_the_collection_year_in_the_header(settings):
    write_cin(settings, "old.xml", cin_xml(child("CHILD1", sex="<GenderCurrent>2</GenderCurrent>"), year=2024))

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert result.faults == []
    assert result.tables["child_identifiers"].to_pandas().iloc[0].GenderCurrent == "2"
    assert result.tables["child_identifiers"].to_pandas().iloc[0].collection_year == "2023-24"


def test_a_cp_plan_outside_its_cin_episode_is_rejected(settings):
    write_cin(settings, "cin.xml", cin_xml(child(details=referral(closure="2024-06-01", reason="RC7", plan_start="2024-07-01"))))

    [fault] = check_extracts(settings.landing_dir, KEY, TOLERANT).faults

    assert (fault.table, fault.field, fault.rule) == ("child_protection_plans", "CPPstartDate", "a CP plan sits inside its CIN episode")


def test_closure_without_reason_is_rejected(settings):
    write_cin(settings, "cin.xml", cin_xml(child(details=referral(closure="2024-12-01", reason=""))).replace("<ReasonForClosure></ReasonForClosure>", ""))

    fault = check_extracts(settings.landing_dir, KEY, TOLERANT).faults[0]

    assert (fault.table, fault.field) == ("details", "ReasonForClosure")


def test_duplicate_child_ids_are_rejected(settings):
    write_cin(settings, "cin.xml", cin_xml(child("CHILD1") + "\n" + child("CHILD1", details="")))

    faults = check_extracts(settings.landing_dir, KEY, TOLERANT).faults

    assert [(f.table, f.rule) for f in faults] == [
        ("child_identifiers", "one row per LAchildID"),
        ("child_characteristics", "one row per LAchildID"),
        ("disabilities", "one row per LAchildID + Disability"),
    ]


def test_a_return_naming_another_la_in_a_single_la_folder_stops_with_a_file_fault(settings):
    write_cin(settings, "cin_census_2024-25.xml", cin_xml(child()).replace("<LEA>999</LEA>", "<LEA>838</LEA>"))

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert [(fault.file, fault.field, fault.row_number) for fault in result.blocking_faults] == [
        ("cin_census_2024-25.xml", "LEA", None)]
    assert "names LA 838 but CSDW_LA_CODE is 999" in result.blocking_faults[0].message
    assert result.tables == {}


def test_a_regional_pool_return_in_its_la_folder_loads_as_that_la(settings):
    write_cin(settings, "838/cin_census_2024-25.xml", cin_xml(child()).replace("<LEA>999</LEA>", "<LEA>838</LEA>"))

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert result.blocking_faults == []
    assert set(result.tables["details"].to_pandas().la_code) == {"838"}
