"""The SSDA903 pandera contracts: clean extracts pass; each broken rule is caught, named and located."""

import json

import pandas as pd
import pytest

from sources.contracts import RULE_COLUMNS, RULE_DATE, RULE_MANDATORY, code_list_rule
from sources.pseudonymise import pseudonymise
from sources.ssda903 import check_extracts
from sources.synthetic.ssda903 import EPISODE_COLUMNS, generate_ssda903
from tests.conftest import TEST_KEY, episode, write_table

KEY = TEST_KEY.encode()


def faults_of(settings):
    return check_extracts(settings.landing_dir, KEY).faults


def test_generated_extract_passes_the_contract_and_loads_every_row(settings):
    extract = generate_ssda903(settings.landing_dir, children=120, seed=7)

    result = check_extracts(settings.landing_dir, KEY)

    assert result.faults == []
    assert len(result.tables["episodes"]) == extract.episodes
    assert len(result.tables["header"]) == extract.children


def test_hand_made_clean_file_passes(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024", "30/04/2024", "E4A"), episode("CHILD2", "2024-05-01")])

    assert faults_of(settings) == []


def test_unknown_legal_status_is_rejected_with_file_row_field_and_rule(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024"), episode("CHILD2", "01/04/2024", ls="Q9")])

    [fault] = faults_of(settings)

    assert (fault.file, fault.row_number, fault.field) == ("episodes.csv", 3, "LS")
    assert fault.rule == code_list_rule("ssda903_legal_status")
    assert "'Q9'" in fault.message


@pytest.mark.parametrize(
    ("field", "bad_value", "code_list"),
    [
        ("RNE", "X", "ssda903_reason_new_episode"),
        ("PLACE", "Q1", "ssda903_placement_type"),
        ("REC", "E99", "ssda903_reason_episode_ceased"),
    ],
)
def test_codes_outside_their_list_are_rejected(settings, write_ssda903, field, bad_value, code_list):
    row = episode("CHILD1", "01/04/2024", "30/04/2024", "E4A")
    row[field] = bad_value
    write_ssda903([row])

    [fault] = faults_of(settings)

    assert (fault.field, fault.rule) == (field, code_list_rule(code_list))


def test_end_before_start_is_rejected(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024", "31/03/2024", "E4A")])

    [fault] = faults_of(settings)

    assert (fault.row_number, fault.field, fault.rule) == (2, "DEC", "DEC is on or after DECOM")


def test_episode_ending_the_day_it_starts_is_allowed(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024", "01/04/2024", "E4A")])

    assert faults_of(settings) == []


def test_end_date_without_reason_is_rejected(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024", "30/04/2024", "")])

    [fault] = faults_of(settings)

    assert (fault.field, fault.rule) == ("REC", "REC is given when DEC is given, and only then")


def test_blank_mandatory_field_is_rejected(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024", place="")])

    [fault] = faults_of(settings)

    assert (fault.field, fault.rule) == ("PLACE", RULE_MANDATORY)


def test_unreadable_date_is_rejected_without_quoting_it(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "31/02/2024")])

    [fault] = faults_of(settings)

    assert (fault.field, fault.rule) == ("DECOM", RULE_DATE)
    assert "31/02/2024" not in fault.describe()


def test_malformed_identifier_is_rejected_without_quoting_it(settings, write_ssda903):
    write_ssda903([episode("BAD ID 1", "01/04/2024")], headers=[])

    faults = faults_of(settings)

    assert [(f.field, f.row_number) for f in faults] == [("CHILD", 2)]
    assert "BAD ID 1" not in faults[0].describe()


def test_duplicate_episode_is_rejected_and_the_first_kept(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024"), episode("CHILD1", "01/04/2024")])

    result = check_extracts(settings.landing_dir, KEY)

    assert [(f.row_number, f.field) for f in result.faults] == [(3, "CHILD+DECOM")]
    assert len(result.tables["episodes"]) == 1


def test_missing_column_stops_the_file(settings):
    columns = [column for column in EPISODE_COLUMNS if column != "LS"]
    row = {k: v for k, v in episode("CHILD1", "01/04/2024").items() if k != "LS"}
    write_table(settings.landing_dir / "ssda903" / "episodes.csv", columns, [row])

    [fault] = faults_of(settings)

    assert (fault.file, fault.row_number, fault.field, fault.rule) == ("episodes.csv", None, "LS", RULE_COLUMNS)


def test_rejected_rows_are_kept_pseudonymised_with_their_reasons(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024"), episode("CHILD2", "01/04/2024", ls="Q9")])

    result = check_extracts(settings.landing_dir, KEY)
    quarantine = result.quarantine_frame()

    assert len(quarantine) == 1
    kept = quarantine.iloc[0]
    assert (kept.source_file, kept.source_row_number, kept.field) == ("episodes.csv", 3, "LS")
    record = json.loads(kept.record)
    assert record["LS"] == "Q9"
    assert record["CHILD"] == pseudonymise(pd.Series(["CHILD2"]), KEY)[0]
    assert "CHILD2" not in kept.record
    assert len(result.tables["episodes"]) == 1


def test_loaded_rows_are_pseudonymised_typed_and_carry_lineage(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024", "2024-04-30", "E4A")])

    episodes = check_extracts(settings.landing_dir, KEY).tables["episodes"]

    row = episodes.iloc[0]
    assert row.CHILD != "CHILD1" and len(row.CHILD) == 64
    assert str(row.DECOM) == "2024-04-01" and str(row.DEC) == "2024-04-30"
    assert (row.HOME_POST, row.PL_POST) == ("ZZ99 3", "ZZ99 4")
    assert (row.source_file, row.source_row_number) == ("episodes.csv", 2)


def test_files_are_recognised_by_header_row_whatever_their_name(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024")], episodes_file="export_2024_final.csv")

    result = check_extracts(settings.landing_dir, KEY)

    assert len(result.tables["episodes"]) == 1


def test_excel_exports_with_bom_or_cp1252_blank_rows_and_lower_case_codes_load(settings):
    folder = settings.landing_dir / "ssda903"
    row = episode("CHILD1", "01/04/2024", ls="c2")
    write_table(folder / "episodes.csv", EPISODE_COLUMNS, [row], encoding="utf-8-sig")
    with (folder / "episodes.csv").open("a", encoding="utf-8") as handle:
        handle.write(",,,,,,,,,,,,\n")
    write_table(folder / "more_episodes.csv", EPISODE_COLUMNS, [episode("CHILD2", "02/04/2024", place="U4") | {"URN": "SC12345é"}], encoding="cp1252")

    result = check_extracts(settings.landing_dir, KEY)

    assert result.faults == []
    assert sorted(result.tables["episodes"].LS) == ["C2", "C2"]
