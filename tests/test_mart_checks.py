"""The Great Expectations gate on every mart beside fct_cla_episodes (tests/test_quality_checks.py): each passes a
clean hand-made table, and blocks a table with one kind of fault, naming the broken expectation."""

import json
from datetime import date

import duckdb
import pandas as pd
import pytest

from expectations.runner import columns_named, holds_row_by_row, succeeds_on_hashed_text
from orchestration import resources
from orchestration.quality import MART_SUITE_CHECKS, MART_SUITES
from orchestration.resources import Extracts, Warehouse

REFERENCE_DATE = date(2025, 3, 31)
FUTURE = date(2026, 1, 1)
CHILDREN = ["hashed-child-1", "hashed-child-2"]
CLEAN = {
    "fct_referrals": {
        "referral_id": ["r1", "r2"], "la_code": ["999", "999"], "child_id": CHILDREN,
        "referral_date": [date(2024, 5, 1), date(2024, 6, 1)], "closure_date": [date(2024, 8, 1), None],
        "referral_source_code": ["1A", "6"], "primary_need_code": ["N1", "N4"],
        "reason_for_closure_code": ["RC1", None],
    },
    "fct_assessments": {
        "assessment_id": ["a1", "a2"], "referral_id": ["r1", "r2"], "la_code": ["999", "999"], "child_id": CHILDREN,
        "assessment_start_date": [date(2024, 5, 2), date(2024, 6, 3)],
        "assessment_authorisation_date": [date(2024, 6, 10), None],
        "working_days_to_authorisation": [26, None], "is_within_45_working_days": [True, False],
    },
    "fct_s47_enquiries": {
        "s47_enquiry_id": ["s1", "s2"], "referral_id": ["r1", "r2"], "la_code": ["999", "999"], "child_id": CHILDREN,
        "s47_start_date": [date(2024, 5, 3), date(2024, 6, 4)],
        "initial_cpc_date": [date(2024, 5, 20), None], "initial_cpc_target_date": [date(2024, 5, 24), FUTURE],
        "working_days_to_initial_cpc": [11, None], "is_initial_cpc_within_15_working_days": [True, False],
    },
    "fct_cin_plans": {
        "cin_plan_id": ["p1", "p2"], "referral_id": ["r1", "r2"], "la_code": ["999", "999"], "child_id": CHILDREN,
        "plan_start_date": [date(2024, 6, 1), date(2024, 7, 1)], "plan_end_date": [date(2024, 12, 1), None],
    },
    "fct_cp_plans": {
        "cp_plan_id": ["c1", "c2"], "referral_id": ["r1", "r1"], "la_code": ["999", "999"],
        "child_id": [CHILDREN[0], CHILDREN[0]],
        "plan_start_date": [date(2023, 1, 9), date(2024, 6, 1)], "plan_end_date": [date(2023, 9, 1), None],
        "initial_category_of_abuse_code": ["NEG", "EMO"], "latest_category_of_abuse_code": ["NEG", None],
        "previous_cp_plans": [0, 1], "plan_number": [1, 2], "is_repeat_plan": [False, True],
    },
    "fct_cla_periods": {
        "period_id": ["q1", "q2"], "la_code": ["999", "999"], "child_id": CHILDREN,
        "period_started_on": [date(2023, 2, 1), date(2024, 1, 1)], "period_ended_on": [date(2024, 2, 1), None],
        "reason_period_ceased_code": ["E13", None], "episode_count": [2, 1],
    },
    "fct_placements": {
        "placement_id": ["l1", "l2"], "period_id": ["q1", "q2"], "la_code": ["999", "999"], "child_id": CHILDREN,
        "placement_started_on": [date(2023, 2, 1), date(2024, 1, 1)],
        "placement_ended_on": [date(2024, 2, 1), None], "reason_new_episode_code": ["S", "S"],
        "placement_type_code": ["U4", "K2"], "placement_provider_code": ["PR1", "PR2"],
        "reason_placement_ceased_code": ["E13", None], "episode_count": [2, 1],
    },
    "fct_care_leaver_outcomes": {
        "care_leaver_outcome_id": ["o1", "o2"], "la_code": ["999", "999"], "child_id": CHILDREN,
        "birthday_on": [date(2024, 7, 1), date(2025, 2, 1)], "age_on_birthday": [19, 17],
        "in_touch_code": ["YES", "NO"], "activity_code": ["F1", "G4"], "accommodation_code": ["U1", "S2"],
        "is_in_touch": [True, False], "is_in_education_employment_training": [True, False],
        "is_suitable_accommodation": [True, False],
    },
    "fct_ehcp_requests": {
        "request_id": ["x1", "x2"], "la_code": ["999", "999"], "person_id": CHILDREN, "sex": ["female", "unknown"],
        "received_date": [date(2024, 1, 8), date(2024, 9, 2)],
        "request_outcome_date": [date(2024, 2, 19), None], "assessment_outcome_date": [date(2024, 4, 22), None],
        "plan_started_on": [date(2024, 5, 20), None], "plan_ceased_on": [date(2025, 1, 10), None],
        "cease_reason_code": ["2", None], "days_to_plan": [133, None], "is_plan_within_20_weeks": [True, None],
    },
    "fct_neet_monthly": {
        "activity_snapshot_id": ["n1", "n2"], "la_code": ["999", "999"], "young_person_id": CHILDREN,
        "snapshot_date": [date(2025, 1, 31), date(2025, 1, 31)], "academic_age": [16, 19],
        "activity_code": ["540", "210"], "activity_start_date": [date(2024, 9, 1), date(2025, 1, 31)],
        "send_code": ["NONE", "EHCP"], "is_in_cohort": [True, False],
    },
    "fct_workforce_monthly": {
        "la_code": ["999", "999"], "team_name": ["Team A", "Team B"],
        "period_end": [date(2025, 1, 31), date(2025, 1, 31)],
        "permanent_fte": [8.5, 6.0], "agency_fte": [1.0, 0.0], "funded_fte": [10.0, 6.0], "vacant_fte": [1.5, 0.0],
        "permanent_leaver_fte_12m": [2.0, 0.0], "cases_held": [140.0, None], "case_holding_fte": [8.0, None],
    },
}
MAIN_FACTS = [model for model in CLEAN if MART_SUITES[model][1]]


def with_cells(model: str, **cells) -> pd.DataFrame:
    """The model's clean table with the second row's cells replaced."""
    frame = pd.DataFrame(CLEAN[model])
    for column, value in cells.items():
        frame[column] = frame[column].astype(object)
        frame.at[1, column] = value
    return frame


def write_table(path, model: str, frame: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema if not exists marts")
        connection.register("frame", frame)
        connection.execute(f"create or replace table marts.{model} as select * from frame")


def run_check(tmp_path, model: str, frame: pd.DataFrame):
    warehouse = Warehouse(published_path=str(tmp_path / "csdw.duckdb"))
    write_table(warehouse.candidate, model, frame)
    extracts = Extracts(landing_dir=str(tmp_path / "landing"), reference_date=REFERENCE_DATE.isoformat())
    return MART_SUITE_CHECKS[model](warehouse=warehouse, extracts=extracts)


def failures(result) -> list[str]:
    return result.metadata["failed"].value


def test_a_suite_names_the_columns_it_reads_including_its_row_conditions():
    import great_expectations as gx
    from great_expectations.expectations.row_conditions import Column

    expect = gx.expectations
    suite = [
        expect.ExpectColumnValuesToBeUnique(column="plan_id"),
        expect.ExpectCompoundColumnsToBeUnique(column_list=["la_code", "child_id"]),
        expect.ExpectColumnValuesToBeBetween(
            column="days", max_value=5, row_condition=(Column("is_late") == False) & Column("ended_on").is_not_null()
        ),
        expect.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ended_on", column_B="started_on"),
    ]

    assert columns_named(suite) == ["plan_id", "la_code", "child_id", "days", "is_late", "ended_on", "started_on"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # GX deprecates query strings; a suite may still hold one
def test_a_suite_with_a_pandas_query_condition_reads_every_column():
    import great_expectations as gx

    suite = [gx.expectations.ExpectColumnValuesToNotBeNull(column="days", row_condition="is_late == True",
                                                          condition_parser="pandas")]

    assert columns_named(suite) is None


def test_only_expectations_about_each_row_on_its_own_are_validated_a_slice_at_a_time():
    import great_expectations as gx

    expect = gx.expectations
    about_each_row = [
        expect.ExpectColumnValuesToNotBeNull(column="plan_id"),
        expect.ExpectColumnValuesToBeInSet(column="code", value_set=["A"]),
        expect.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ended_on", column_B="started_on"),
    ]
    across_rows = [
        expect.ExpectColumnValuesToBeUnique(column="plan_id"),
        expect.ExpectCompoundColumnsToBeUnique(column_list=["la_code", "child_id"]),
        expect.ExpectTableRowCountToBeBetween(min_value=1),
        # Mostly: a share of all the rows, not of each slice.
        expect.ExpectColumnValuesToNotBeNull(column="plan_id", mostly=0.9),
    ]

    assert [holds_row_by_row(expectation) for expectation in about_each_row + across_rows] == [True] * 3 + [False] * 4


def test_a_mart_read_a_row_at_a_time_gets_the_outcome_it_gets_read_whole(tmp_path, monkeypatch):
    """Bad rows in different slices are all counted, and a key repeated across slices is still caught."""
    clean = pd.DataFrame(CLEAN["fct_neet_monthly"])
    dirty = pd.concat([with_cells("fct_neet_monthly", activity_code="999"), clean], ignore_index=True)
    dirty.loc[0, "send_code"] = "XX"
    read_whole = run_check(tmp_path / "whole", "fct_neet_monthly", dirty)
    monkeypatch.setattr(resources, "ROWS_PER_BATCH", 1)
    monkeypatch.setattr(resources, "ROWS_PER_SLICE", 1)
    read_a_row_at_a_time = run_check(tmp_path / "sliced", "fct_neet_monthly", dirty)
    clean_a_row_at_a_time = run_check(tmp_path / "clean", "fct_neet_monthly", clean)

    assert not read_a_row_at_a_time.passed
    assert read_a_row_at_a_time.metadata == read_whole.metadata
    assert failures(read_a_row_at_a_time) == [
        "expect_column_values_to_be_unique on activity_snapshot_id: 4 row(s) unexpected",
        "expect_compound_columns_to_be_unique: 4 row(s) unexpected",
        "expect_column_values_to_be_in_set on activity_code: 1 row(s) unexpected",
        "expect_column_values_to_be_in_set on send_code: 1 row(s) unexpected",
    ]
    assert clean_a_row_at_a_time.passed and clean_a_row_at_a_time.metadata["rows"].value == 2


def recorded_reads(monkeypatch, colliding_hashes: bool = False) -> list:
    """The columns of each whole read of the candidate, and whether its text was read as hashes; with
    `colliding_hashes`, every hashed text column reads as one repeated hash."""
    reads = []
    read_candidate_table = Warehouse.read_candidate_table

    def recording(warehouse, table, columns=None, text_as_hashes=False):
        reads.append((columns, text_as_hashes))
        frame = read_candidate_table(warehouse, table, columns, text_as_hashes)
        if colliding_hashes and text_as_hashes:
            frame[frame.select_dtypes("int64").columns] = 7
        return frame

    monkeypatch.setattr(Warehouse, "read_candidate_table", recording)
    return reads


def test_each_key_is_read_whole_on_its_own_columns_as_hashes(tmp_path, monkeypatch):
    reads = recorded_reads(monkeypatch)

    run_check(tmp_path, "fct_neet_monthly", pd.DataFrame(CLEAN["fct_neet_monthly"]))

    assert reads == [(["activity_snapshot_id"], True), (["la_code", "young_person_id", "snapshot_date"], True)]


def test_a_repeated_key_is_counted_on_its_text_not_its_hashes(tmp_path, monkeypatch):
    reads = recorded_reads(monkeypatch)
    repeated = pd.concat([pd.DataFrame(CLEAN["fct_neet_monthly"])] * 2, ignore_index=True)

    result = run_check(tmp_path, "fct_neet_monthly", repeated)

    assert reads[:2] == [(["activity_snapshot_id"], True), (["activity_snapshot_id"], False)]
    assert "expect_column_values_to_be_unique on activity_snapshot_id: 4 row(s) unexpected" in failures(result)


def test_a_hash_repeated_where_the_keys_are_not_does_not_fail_the_key(tmp_path, monkeypatch):
    reads = recorded_reads(monkeypatch, colliding_hashes=True)

    result = run_check(tmp_path, "fct_neet_monthly", pd.DataFrame(CLEAN["fct_neet_monthly"]))

    assert result.passed, failures(result)
    assert (["activity_snapshot_id"], False) in reads


def test_only_keys_and_row_counts_are_checked_on_hashes():
    import great_expectations as gx

    expect = gx.expectations
    on_hashes = [
        expect.ExpectColumnValuesToBeUnique(column="plan_id"),
        expect.ExpectCompoundColumnsToBeUnique(column_list=["la_code", "child_id"]),
        expect.ExpectTableRowCountToBeBetween(min_value=1),
    ]
    on_values = [
        # A hash is never missing and never in a code list.
        expect.ExpectColumnValuesToNotBeNull(column="plan_id", mostly=0.9),
        expect.ExpectColumnValuesToBeInSet(column="code", value_set=["A"], mostly=0.9),
    ]

    assert [succeeds_on_hashed_text(expectation) for expectation in on_hashes + on_values] == [True] * 3 + [False] * 2


def test_every_mart_but_the_episodes_has_a_clean_table_here():
    assert set(CLEAN) == set(MART_SUITES) - {"fct_cla_episodes"}


@pytest.mark.parametrize("model", sorted(CLEAN))
def test_each_mart_passes_its_clean_table(tmp_path, model):
    result = run_check(tmp_path, model, pd.DataFrame(CLEAN[model]))

    assert result.passed, failures(result)


@pytest.mark.parametrize("model", sorted(CLEAN))
def test_an_empty_mart_passes_before_its_family_was_ever_published(tmp_path, model):
    """A refresh of the SSDA903 extracts alone leaves the other families' marts empty: that is no fault."""
    result = run_check(tmp_path, model, pd.DataFrame(CLEAN[model]).iloc[0:0])

    assert result.passed, failures(result)


@pytest.mark.parametrize(
    ("model", "cells", "expected"),
    [
        ("fct_referrals", {"referral_id": "r1"}, "expect_column_values_to_be_unique on referral_id"),
        ("fct_referrals", {"referral_source_code": "ZZ"}, "expect_column_values_to_be_in_set on referral_source_code"),
        ("fct_referrals", {"closure_date": date(2024, 5, 1)},
         "expect_column_pair_values_a_to_be_greater_than_b on closure_date/referral_date"),
        ("fct_assessments", {"assessment_authorisation_date": FUTURE},
         "expect_column_values_to_be_between on assessment_authorisation_date"),
        ("fct_assessments", {"working_days_to_authorisation": 60, "is_within_45_working_days": True},
         "expect_column_values_to_be_between on working_days_to_authorisation"),
        ("fct_s47_enquiries", {"s47_enquiry_id": None}, "expect_column_values_to_not_be_null on s47_enquiry_id"),
        ("fct_s47_enquiries", {"working_days_to_initial_cpc": 20, "is_initial_cpc_within_15_working_days": True},
         "expect_column_values_to_be_between on working_days_to_initial_cpc"),
        ("fct_cin_plans", {"plan_start_date": date(1980, 1, 1)}, "expect_column_values_to_be_between on plan_start_date"),
        # Beyond 2262 a date has no nanosecond datetime, so it is read as a date and checked value by value.
        ("fct_cin_plans", {"plan_start_date": date(2999, 1, 1)}, "expect_column_values_to_be_between on plan_start_date"),
        ("fct_cin_plans", {"plan_end_date": date(2024, 6, 1)},
         "expect_column_pair_values_a_to_be_greater_than_b on plan_end_date/plan_start_date"),
        ("fct_cp_plans", {"initial_category_of_abuse_code": "XXX"},
         "expect_column_values_to_be_in_set on initial_category_of_abuse_code"),
        ("fct_cp_plans", {"is_repeat_plan": False}, "expect_column_values_to_be_in_set on is_repeat_plan"),
        ("fct_cla_periods", {"episode_count": 0}, "expect_column_values_to_be_between on episode_count"),
        ("fct_cla_periods", {"period_id": "q1"}, "expect_column_values_to_be_unique on period_id"),
        ("fct_placements", {"period_id": None}, "expect_column_values_to_not_be_null on period_id"),
        ("fct_placements", {"placement_type_code": "Z99"}, "expect_column_values_to_be_in_set on placement_type_code"),
        ("fct_care_leaver_outcomes", {"is_in_touch": True}, "expect_column_values_to_be_in_set on in_touch_code"),
        ("fct_care_leaver_outcomes", {"is_suitable_accommodation": True},
         "expect_column_values_to_be_in_set on accommodation_code"),
        ("fct_care_leaver_outcomes", {"activity_code": "ZZ"}, "expect_column_values_to_be_in_set on activity_code"),
        ("fct_ehcp_requests", {"plan_started_on": date(2024, 8, 1)},
         "expect_column_pair_values_a_to_be_greater_than_b on plan_started_on/received_date"),
        ("fct_ehcp_requests", {"plan_started_on": date(2025, 3, 3), "days_to_plan": 182, "is_plan_within_20_weeks": True},
         "expect_column_values_to_be_between on days_to_plan"),
        ("fct_ehcp_requests", {"sex": "M"}, "expect_column_values_to_be_in_set on sex"),
        ("fct_neet_monthly", {"young_person_id": CHILDREN[0]}, "expect_compound_columns_to_be_unique"),
        ("fct_neet_monthly", {"activity_code": "999"}, "expect_column_values_to_be_in_set on activity_code"),
        ("fct_neet_monthly", {"is_in_cohort": True}, "expect_column_values_to_be_between on academic_age"),
        ("fct_neet_monthly", {"activity_start_date": date(2025, 2, 3)},
         "expect_column_pair_values_a_to_be_greater_than_b on snapshot_date/activity_start_date"),
        ("fct_workforce_monthly", {"vacant_fte": 7.0}, "expect_column_pair_values_a_to_be_greater_than_b on funded_fte/vacant_fte"),
        ("fct_workforce_monthly", {"agency_fte": -1.0}, "expect_column_values_to_be_between on agency_fte"),
        ("fct_workforce_monthly", {"team_name": "Team A"}, "expect_compound_columns_to_be_unique"),
    ],
)
def test_each_kind_of_bad_row_blocks_with_the_expectation_named(tmp_path, model, cells, expected):
    result = run_check(tmp_path, model, with_cells(model, **cells))

    assert not result.passed
    assert result.severity.value == "ERROR"
    assert any(failure.startswith(expected) for failure in failures(result)), failures(result)
    assert result.metadata["failing_rows"].value >= 1


@pytest.mark.parametrize(
    ("model", "cells", "expected"),
    [
        ("fct_care_leaver_outcomes", {"age_on_birthday": 23}, "expect_column_values_to_be_between on age_on_birthday"),
    ],
)
def test_an_implausible_but_usable_row_is_a_warning_that_does_not_block(tmp_path, model, cells, expected):
    result = run_check(tmp_path, model, with_cells(model, **cells))

    assert not result.passed
    assert result.severity.value == "WARN"
    assert failures(result) == [f"{expected}: 1 row(s) unexpected (warning)"]


@pytest.mark.parametrize("model", MAIN_FACTS)
def test_each_groups_main_fact_blocks_a_large_drop_against_the_last_publish(tmp_path, model):
    clean = pd.DataFrame(CLEAN[model])
    write_table(tmp_path / "csdw.duckdb", model, pd.concat([clean] * 4))

    result = run_check(tmp_path, model, clean)

    assert not result.passed
    assert any(failure.startswith("expect_table_row_count_to_be_between") for failure in failures(result))


def test_a_secondary_mart_may_change_size_freely(tmp_path):
    """Only each group's main fact is held to the last publish's size (the referrals, not the assessments)."""
    clean = pd.DataFrame(CLEAN["fct_assessments"])
    write_table(tmp_path / "csdw.duckdb", "fct_assessments", pd.concat([clean] * 4))

    assert run_check(tmp_path, "fct_assessments", clean).passed


def test_check_results_never_quote_identifiers_or_dates(tmp_path):
    result = run_check(tmp_path, "fct_referrals", with_cells("fct_referrals", referral_id="r1", closure_date=FUTURE))

    reported = json.dumps({name: value.value for name, value in result.metadata.items()}, default=str)
    assert not result.passed
    assert "hashed-child" not in reported and "'r1'" not in reported and "2026" not in reported
