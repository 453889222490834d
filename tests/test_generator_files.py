"""`csdw generate` writes every extract family in its real format: deterministic, well-formed, DfE element
and column names, codes from the shared code lists, children linked across families."""

import csv
import filecmp
from datetime import date
from pathlib import Path

import pytest
from defusedxml import ElementTree

from orchestration.cli import main
from sources.code_lists import codes
from sources.synthetic.generate import generate
from sources.synthetic.ssda903_tables import TABLE_COLUMNS

YEARS = ["2022-23", "2023-24", "2024-25"]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate(out, "small", seed=7, show_progress=False)
    return out


def _rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _relative_files(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def test_the_same_seed_gives_byte_identical_files(small, tmp_path):
    again = tmp_path / "again"
    generate(again, "small", seed=7, show_progress=False)
    files = _relative_files(small)
    assert files == _relative_files(again)
    _, mismatch, errors = filecmp.cmpfiles(small, again, files, shallow=False)
    assert mismatch == [] and errors == []


def test_another_seed_gives_other_children(small, tmp_path):
    other = tmp_path / "other"
    generate(other, "small", seed=8, show_progress=False)
    assert not filecmp.cmp(small / "cin" / "cin_census_2024-25.xml", other / "cin" / "cin_census_2024-25.xml",
                           shallow=False)


def test_files_are_laid_out_as_the_landing_folder_contract(small):
    files = _relative_files(small)
    assert [f"cin/cin_census_{year}.xml" for year in YEARS] == [name for name in files if name.startswith("cin/")]
    for year in YEARS:
        for table in TABLE_COLUMNS:
            if table == "sw_episodes" and year == "2022-23":
                continue
            assert f"ssda903/ssda903_{year}_{table}.csv" in files
    assert "ssda903/ssda903_2022-23_sw_episodes.csv" not in files
    assert "sen2/sen2_2025.xml" in files and "nccis/ccis_2025-03.csv" in files and "nccis/ccis_2022-04.csv" in files
    assert {"workforce/workers.csv", "workforce/establishment.csv", "workforce/caseloads.csv"} <= set(files)


def test_csv_headers_are_the_dfe_columns_and_dates_are_dd_mm_yyyy(small):
    for year in YEARS[1:]:
        for table, columns in TABLE_COLUMNS.items():
            path = small / "ssda903" / f"ssda903_{year}_{table}.csv"
            assert path.read_text().splitlines()[0].split(",") == columns
    episodes = _rows(small / "ssda903" / "ssda903_2024-25_episodes.csv")
    assert episodes and all(date.fromisoformat("-".join(reversed(row["DECOM"].split("/")))) for row in episodes)


def test_cin_census_is_well_formed_with_dfe_elements_and_sex_by_year(small):
    older = ElementTree.parse(small / "cin" / "cin_census_2023-24.xml").getroot()
    latest = ElementTree.parse(small / "cin" / "cin_census_2024-25.xml").getroot()
    assert latest.tag == "Message"
    assert latest.findtext("Header/CollectionDetails/Collection") == "CIN"
    assert latest.findtext("Header/CollectionDetails/Year") == "2025"
    assert latest.findtext("Header/CollectionDetails/ReferenceDate") == "2025-03-31"
    children = latest.findall("Children/Child")
    assert len(children) > 500
    assert all(child.find("ChildIdentifiers/Sex") is not None for child in children)
    assert all(child.find("ChildIdentifiers/GenderCurrent") is None for child in children)
    assert all(child.find("ChildIdentifiers/GenderCurrent") is not None for child in older.iter("Child"))
    tags = {element.tag for element in latest.iter()}
    assert {"ChildIdentifiers", "ChildCharacteristics", "Disabilities", "CINdetails", "Assessments",
            "FactorsIdentifiedAtAssessment", "AssessmentFactors", "CINPlanDates", "Section47",
            "ChildProtectionPlans", "Reviews", "CPPreviewDate"} <= tags
    for plan in latest.iter("ChildProtectionPlans"):
        end = plan.findtext("CPPendDate")
        assert end is None or plan.findtext("CPPstartDate") <= end


def _cin_values(path: Path, tag: str) -> set[str]:
    return {element.text for element in ElementTree.parse(path).getroot().iter(tag)}


def test_every_cin_code_is_in_its_code_list(small):
    for year in YEARS:
        path = small / "cin" / f"cin_census_{year}.xml"
        assert _cin_values(path, "ReferralSource") <= codes("cin_referral_source")
        assert _cin_values(path, "PrimaryNeedCode") <= codes("cin_primary_need")
        assert _cin_values(path, "ReasonForClosure") <= codes("cin_reason_for_closure")
        assert _cin_values(path, "AssessmentFactors") <= codes("cin_assessment_factor")
        assert _cin_values(path, "Disability") <= codes("cin_disability")
        assert _cin_values(path, "Ethnicity") <= codes("ethnicity")
        assert _cin_values(path, "UPNunknown") <= codes("upn_unknown")
        abuse = _cin_values(path, "InitialCategoryOfAbuse") | _cin_values(path, "LatestCategoryOfAbuse")
        assert abuse <= codes("cin_category_of_abuse")
        sex_list = "cin_sex" if year == "2024-25" else "cin_gender_current"
        assert _cin_values(path, "Sex") | _cin_values(path, "GenderCurrent") <= codes(sex_list)


SSDA903_CODE_COLUMNS = {
    "episodes": {"RNE": "ssda903_reason_new_episode", "LS": "ssda903_legal_status", "CIN": "ssda903_category_of_need",
                 "PLACE": "ssda903_placement_type", "PLACE_PROVIDER": "ssda903_placement_provider",
                 "REC": "ssda903_reason_episode_ceased", "REASON_PLACE_CHANGE": "ssda903_reason_place_change"},
    "header": {"ETHNIC": "ethnicity", "SEX": "ssda903_sex"},
    "reviews": {"REVIEW_CODE": "ssda903_review_code"},
    "oc2": {"SDQ_REASON": "ssda903_sdq_reason"},
    "oc3": {"IN_TOUCH": "ssda903_oc3_in_touch", "ACTIV": "ssda903_oc3_activity", "ACCOM": "ssda903_oc3_accommodation"},
    "ad1": {"SEX_ADOPTR": "ssda903_sex_adopter", "LS_ADOPTR": "ssda903_ls_adopter"},
    "prev_perm": {"PREV_PERM": "ssda903_prev_perm"},
    "missing": {"MISSING": "ssda903_missing"},
    "sw_episodes": {"SW_REASON": "ssda903_sw_reason"},
}


def test_every_ssda903_code_is_in_its_code_list_and_year(small):
    for year in YEARS:
        for table, columns in SSDA903_CODE_COLUMNS.items():
            path = small / "ssda903" / f"ssda903_{year}_{table}.csv"
            if not path.exists():
                continue
            rows = _rows(path)
            for column, list_name in columns.items():
                values = {row[column] for row in rows} - {""}
                assert values <= codes(list_name), (year, table, column)
    places_2024_25 = {row["PLACE"] for row in _rows(small / "ssda903" / "ssda903_2024-25_episodes.csv")}
    places_2023_24 = {row["PLACE"] for row in _rows(small / "ssda903" / "ssda903_2023-24_episodes.csv")}
    assert not places_2024_25 & {"H5", "P2"} and "K3" not in places_2023_24
    sexes = {year: {row["SEX"] for row in _rows(small / "ssda903" / f"ssda903_{year}_header.csv")} for year in YEARS}
    assert sexes["2023-24"] <= {"1", "2"} and sexes["2024-25"] <= {"M", "F", "U"}


def test_every_sen2_nccis_and_workforce_code_is_in_its_code_list(small):
    sen2 = small / "sen2" / "sen2_2025.xml"
    assert _cin_values(sen2, "SENtype") <= codes("sen2_sen_type")
    assert _cin_values(sen2, "CeaseReason") <= codes("sen2_cease_reason")
    assert _cin_values(sen2, "Sex") <= codes("cin_sex")
    month = _rows(small / "nccis" / "ccis_2025-01.csv")
    assert {row["ACTIVITY"] for row in month} <= codes("nccis_activity")
    assert {row["SEND"] for row in month} <= codes("nccis_send")
    assert {row["LAC"] for row in month} | {row["CARE_LEAVER"] for row in month} <= codes("yes_no_flag")
    workers = _rows(small / "workforce" / "workers.csv")
    assert {row["OrgRole"] for row in workers} <= codes("csww_org_role")
    assert {row["AgencyWorker"] for row in workers} <= codes("csww_agency_worker")
    assert {row["ReasonLeave"] for row in workers} - {""} <= codes("csww_reason_leave")
    assert {row["StartOrigin"] for row in workers} - {""} <= codes("csww_start_origin")
    assert {row["LeaverDestination"] for row in workers} - {""} <= codes("csww_leaver_destination")


def test_sen2_people_are_obviously_synthetic(small):
    root = ElementTree.parse(small / "sen2" / "sen2_2025.xml").getroot()
    assert root.findtext("Header/CollectionDetails/Collection") == "SEN2"
    people = root.findall("Persons/Person")
    assert people
    assert all(person.findtext("Forename") == "Synthetic" for person in people)
    assert all(person.findtext("Surname").startswith("Child") for person in people)
    assert all(person.findtext("PostCode").startswith("ZZ99 ") for person in people)
    assert all(person.find("Requests/Request/ReceivedDate") is not None for person in people)


def test_children_are_linked_across_families(small):
    # assertions compare counts, so a failure never prints identifiers
    cin_root = ElementTree.parse(small / "cin" / "cin_census_2024-25.xml").getroot()
    cin_children = {child.findtext("ChildIdentifiers/LAchildID"): child for child in cin_root.iter("Child")}
    episodes = _rows(small / "ssda903" / "ssda903_2024-25_episodes.csv")
    looked_after = {row["CHILD"] for row in episodes}
    assert len(looked_after) > 50
    assert len(looked_after - set(cin_children)) == 0
    header = {row["CHILD"]: row for row in _rows(small / "ssda903" / "ssda903_2024-25_header.csv")}
    mismatched_upn = [
        child for child in looked_after
        if cin_children[child].findtext("ChildIdentifiers/UPN") not in (None, header[child]["UPN"])
    ]
    assert len(mismatched_upn) == 0
    cin_upns = {child.findtext("ChildIdentifiers/UPN") for child in cin_children.values()} - {None}
    assert len(cin_upns & _cin_values(small / "sen2" / "sen2_2025.xml", "UPN")) > 10
    month = _rows(small / "nccis" / "ccis_2025-01.csv")
    linked = [row for row in month if row["LAchildID"] in cin_children]
    assert len(linked) > 10
    wrong_birth = [row for row in linked if "-".join(reversed(row["DOB"].split("/"))) != cin_children[
        row["LAchildID"]].findtext("ChildIdentifiers/PersonBirthDate")]
    assert len(wrong_birth) == 0
    in_care = {row["LAchildID"] for row in month if row["LAC"] == "Y"}
    assert len(in_care) > 5 and len(in_care - looked_after) == 0
    leavers = {row["CHILD"] for row in _rows(small / "ssda903" / "ssda903_2024-25_oc3.csv")}
    assert len(leavers) > 5 and len(leavers - set(header)) == 0


def test_region_scale_writes_one_folder_per_la_with_distinct_ids_and_defects_in_them(tmp_path, monkeypatch):
    from sources.synthetic import generate as generate_module
    from sources.synthetic.targets import SCALES, Scale, targets_for

    monkeypatch.setitem(SCALES, "region", Scale(population=None, years=1, region=True))
    monkeypatch.setattr(generate_module, "la_plan", lambda scale, la: [targets_for("838", True),
                                                                       targets_for("201", True)])
    generate_module.generate(tmp_path, "region", seed=1, defects=True, show_progress=False)
    manifest = _rows(tmp_path / "defects_manifest.csv")
    assert manifest and all(row["file"].split("/")[1] in ("838", "201") for row in manifest)
    ids = {}
    for la in ("838", "201"):
        header = _rows(tmp_path / "ssda903" / la / "ssda903_2024-25_header.csv")
        ids[la] = {row["CHILD"] for row in header}
        assert all(child.startswith(la) for child in ids[la])
        assert (tmp_path / "cin" / la / "cin_census_2024-25.xml").exists()
        assert (tmp_path / "workforce" / la / "workers.csv").exists()
    assert len(ids["838"] & ids["201"]) == 0


def test_cli_generate_writes_the_extracts(tmp_path):
    assert main(["generate", "--scale", "small", "--seed", "2", "--out", str(tmp_path), "--la", "838",
                 "--reference-date", "2024-03-31"]) == 0
    assert (tmp_path / "cin" / "cin_census_2023-24.xml").exists()
    assert not (tmp_path / "cin" / "cin_census_2024-25.xml").exists()
    assert (tmp_path / "ssda903" / "ssda903_2023-24_episodes.csv").exists()
    assert not (tmp_path / "defects_manifest.csv").exists()


def test_la_targets_use_the_las_own_figures_and_fall_back_to_england():
    from sources.synthetic.targets import la_plan, targets_for

    england_rates = targets_for("838", own_rates=False)
    dorset = targets_for("838", own_rates=True)
    assert dorset.population == england_rates.population == 67149
    assert dorset.cla_per_10k == 65.1 and england_rates.cla_per_10k == 67.1
    assert dorset.assessments_45wd_pct == england_rates.assessments_45wd_pct == 86.0  # not published by LA
    assert [targets.la_code for targets in la_plan("medium", None)] == ["838"]
    assert la_plan("medium", None)[0].cla_per_10k == 67.1
    assert la_plan("large", "838")[0].population == 350_000 and la_plan("large", "838")[0].cla_per_10k == 65.1
    region = la_plan("region", None)
    assert len(region) >= 20 and len({targets.la_code for targets in region}) == len(region)
