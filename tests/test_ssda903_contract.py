"""The SSDA903 pandera contracts: clean extracts pass; each broken rule is caught, named and located."""

import dataclasses
import json

import pandas as pd
import pytest

from sources.contracts import RULE_COLUMNS, RULE_DATE, RULE_MANDATORY, RULE_THRESHOLD, code_list_rule
from sources.pseudonymise import pseudonymise
from sources.ssda903 import check_extracts
from sources.synthetic.ssda903 import EPISODE_COLUMNS, HEADER_COLUMNS, generate_ssda903
from tests.conftest import CHECK_SETTINGS, TEST_KEY, episode, header, write_table

KEY = TEST_KEY.encode()
# Hand-made files have a handful of rows: one bad row would exceed the 5% threshold, which has its own test.
TOLERANT = dataclasses.replace(CHECK_SETTINGS, max_rejected_percent=100.0)


def faults_of(settings):
    return check_extracts(settings.landing_dir, KEY, TOLERANT).faults


def test_generated_extract_passes_the_contract_and_loads_every_row(settings):
    extract = generate_ssda903(settings.landing_dir, children=120, seed=7)

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

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

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

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

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)
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

    episodes = check_extracts(settings.landing_dir, KEY, TOLERANT).tables["episodes"].to_pandas()

    row = episodes.iloc[0]
    assert row.CHILD != "CHILD1" and len(row.CHILD) == 64
    assert str(row.DECOM) == "2024-04-01" and str(row.DEC) == "2024-04-30"
    assert (row.HOME_POST, row.PL_POST) == ("ZZ99 3", "ZZ99 4")
    assert (row.source_file, row.source_row_number) == ("episodes.csv", 2)


def test_files_are_recognised_by_header_row_whatever_their_name(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024")], episodes_file="export_2024_final.csv")

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert len(result.tables["episodes"]) == 1


def test_excel_exports_with_bom_or_cp1252_blank_rows_and_lower_case_codes_load(settings):
    folder = settings.landing_dir / "ssda903"
    write_table(folder / "header.csv", HEADER_COLUMNS, [header("CHILD1"), header("CHILD2")])
    row = episode("CHILD1", "01/04/2024", ls="c2")
    write_table(folder / "episodes.csv", EPISODE_COLUMNS, [row], encoding="utf-8-sig")
    with (folder / "episodes.csv").open("a", encoding="utf-8") as handle:
        handle.write(",,,,,,,,,,,,\n")
    write_table(folder / "more_episodes.csv", EPISODE_COLUMNS, [episode("CHILD2", "02/04/2024", place="U4") | {"URN": "SC12345é"}], encoding="cp1252")

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert result.faults == []
    assert sorted(result.tables["episodes"].to_pandas().LS) == ["C2", "C2"]


def test_rejected_rows_over_the_threshold_become_a_blocking_fault(settings, write_ssda903):
    write_ssda903([episode(f"CHILD{n}", "01/04/2024", ls="Q9" if n < 2 else "C2") for n in range(30)])

    result = check_extracts(settings.landing_dir, KEY, CHECK_SETTINGS)

    [blocking] = result.blocking_faults
    assert blocking.rule == RULE_THRESHOLD
    assert "2 of 30 rows rejected" in blocking.message
    assert len(result.tables["episodes"]) == 28


def test_rejected_rows_within_the_threshold_do_not_block(settings, write_ssda903):
    write_ssda903([episode(f"CHILD{n}", "01/04/2024", ls="Q9" if n < 1 else "C2") for n in range(30)])

    result = check_extracts(settings.landing_dir, KEY, CHECK_SETTINGS)

    assert result.blocking_faults == []
    assert [fault.field for fault in result.rejected_faults] == ["LS"]


def test_code_lists_follow_the_collection_year_in_the_file_path(settings):
    folder = settings.landing_dir / "ssda903"
    for year, sex, place in (("2023-24", "1", "H5"), ("2024-25", "M", "K3")):
        write_table(folder / f"ssda903_{year}_header.csv", HEADER_COLUMNS, [header(f"C{year[:4]}") | {"SEX": sex}])
        write_table(folder / f"ssda903_{year}_episodes.csv", EPISODE_COLUMNS, [episode(f"C{year[:4]}", "01/04/2023", place=place)])
    write_table(folder / "ssda903_2024-25_more_header.csv", HEADER_COLUMNS, [header("OLDSEX") | {"SEX": "1"}])

    faults = check_extracts(settings.landing_dir, KEY, TOLERANT).faults

    assert [(f.file, f.field, f.rule) for f in faults] == [
        ("ssda903_2024-25_more_header.csv", "SEX", code_list_rule("ssda903_sex"))
    ]


def test_identifiers_exported_as_numbers_are_repaired_and_still_link(settings):
    folder = settings.landing_dir / "ssda903"
    write_table(folder / "header.csv", HEADER_COLUMNS, [header("001234"), header("005678"), header("001111")])
    write_table(
        folder / "episodes.csv",
        EPISODE_COLUMNS,
        [episode("1234.0", "01/04/2024"), episode("5678", "01/05/2024"), episode("001111", "01/05/2024")],
    )

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert result.rejected_faults == []
    assert {(f.row_number, f.rule) for f in result.warnings} == {
        (2, "identifier exported as a number ('.0' removed)"),
        (2, "identifier lost its leading zeros (matched without them)"),
        (3, "identifier lost its leading zeros (matched without them)"),
    }
    assert set(result.tables["episodes"].to_pandas().CHILD) == set(result.tables["header"].to_pandas().CHILD)


def test_an_identifier_is_short_of_leading_zeros_only_against_its_own_las_padding(settings):
    """In a regional pool one LA's system pads ids to 6 digits and another's to 8: a 7-digit id of the first LA
    has lost no zeros."""
    folder = settings.landing_dir / "ssda903"
    six_digits = [header("001234"), header("1234567")]
    eight_digits = [header(f"0000{number}") for number in range(1000, 1004)]
    write_table(folder / "880" / "header.csv", HEADER_COLUMNS, six_digits)
    write_table(folder / "838" / "header.csv", HEADER_COLUMNS, eight_digits)
    for la_code, headers in (("880", six_digits), ("838", eight_digits)):
        write_table(folder / la_code / "episodes.csv", EPISODE_COLUMNS, [episode(row["CHILD"], "01/04/2024") for row in headers])

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert result.faults == []


def test_episode_of_a_child_missing_from_the_header_is_rejected(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024"), episode("CHILD2", "01/04/2024")], headers=[header("CHILD1")])

    [fault] = check_extracts(settings.landing_dir, KEY, TOLERANT).faults

    assert (fault.row_number, fault.field, fault.rule) == (3, "CHILD", "every episode's child is in the header")


def test_overlapping_episodes_of_a_child_are_rejected_but_consecutive_ones_are_not(settings, write_ssda903):
    write_ssda903([
        episode("CHILD1", "01/04/2024", "01/06/2024", "X1"),
        episode("CHILD1", "01/06/2024", "01/08/2024", "X1", rne="P"),
        episode("CHILD1", "15/07/2024", rne="P"),
    ])

    [fault] = check_extracts(settings.landing_dir, KEY, TOLERANT).faults

    assert (fault.row_number, fault.rule) == (4, "a child's episodes do not overlap")


def test_episode_before_the_childs_birth_is_rejected(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2011")], headers=[header("CHILD1", dob="01/05/2012")])

    [fault] = check_extracts(settings.landing_dir, KEY, TOLERANT).faults

    assert fault.rule == "an episode starts on or after the child's birth"


def test_dates_after_the_extract_date_are_rejected(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024"), episode("CHILD2", "01/04/2027")])

    [fault] = check_extracts(settings.landing_dir, KEY, TOLERANT).faults

    assert (fault.row_number, fault.field, fault.rule) == (3, "DECOM", "date is not after the extract date")


def test_the_latest_collection_year_wins_and_keeps_its_source_file(settings):
    folder = settings.landing_dir / "ssda903"
    write_table(folder / "ssda903_2023-24_header.csv", HEADER_COLUMNS, [header("CHILD1") | {"SEX": "2"}])
    write_table(folder / "ssda903_2023-24_episodes.csv", EPISODE_COLUMNS, [episode("CHILD1", "01/03/2024")])
    write_table(folder / "ssda903_2024-25_header.csv", HEADER_COLUMNS, [header("CHILD1")])
    write_table(folder / "ssda903_2024-25_episodes.csv", EPISODE_COLUMNS, [episode("CHILD1", "01/03/2024", "01/09/2024", "E4A")])

    episodes = check_extracts(settings.landing_dir, KEY, TOLERANT).tables["episodes"].to_pandas()

    assert len(episodes) == 1
    assert (episodes.iloc[0].source_file, str(episodes.iloc[0].DEC)) == ("ssda903_2024-25_episodes.csv", "2024-09-01")


def test_an_unknown_table_and_a_truncated_file_stop_the_refresh(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024")])
    folder = settings.landing_dir / "ssda903"
    (folder / "notes.csv").write_text("WHO,WHAT\nx,y\n")
    (folder / "cut_episodes.csv").write_text(",".join(EPISODE_COLUMNS) + "\nCHILD9,01/04/2024,S,C2")

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert sorted((f.file, f.rule) for f in result.blocking_faults) == [
        ("cut_episodes.csv", "file is readable"),
        ("notes.csv", "file is a known extract table"),
    ]


def test_an_io_error_reading_a_file_is_raised_naming_it_not_made_a_fault(settings, write_ssda903, episodes_unreadable):
    """The landing share dropping out is not a broken extract: the ingest step retries an OSError."""
    write_ssda903([episode("CHILD1", "01/04/2024")])

    with pytest.raises(OSError, match=r"\[Errno 5\] Input/output error") as raised:
        check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert raised.value.filename == str(settings.landing_dir / "ssda903" / "episodes.csv")


def test_extra_columns_are_ignored_with_a_warning(settings):
    folder = settings.landing_dir / "ssda903"
    write_table(folder / "header.csv", [*HEADER_COLUMNS, "NOTES"], [header("CHILD1") | {"NOTES": "free text"}])

    result = check_extracts(settings.landing_dir, KEY, TOLERANT)

    assert result.blocking_faults == []
    assert [(f.field, f.severity) for f in result.warnings] == [("NOTES", "warning")]
    assert "NOTES" not in result.tables["header"].to_pandas().columns
