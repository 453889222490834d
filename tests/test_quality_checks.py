"""The Great Expectations gate on fct_cla_episodes: passes clean episodes, blocks each kind of bad one."""

import json

import duckdb
import pytest

from orchestration.quality import MART_SUITE_CHECKS
from orchestration.resources import Extracts, Warehouse

CLEAN_EPISODES = """
    select * from (values
        ('e1', 'hashed-child-1', date '2024-01-01', date '2024-02-01', 'C2', 'S', 'U4'),
        ('e2', 'hashed-child-1', date '2024-02-01', null,              'C2', 'P', 'K2'),
        ('e3', 'hashed-child-2', date '2023-06-01', null,              'V2', 'S', 'U6')
    ) as t(episode_id, child_id, episode_started_on, episode_ended_on,
           legal_status_code, reason_new_episode_code, placement_type_code)
"""


def run_suite(tmp_path, episodes_sql: str):
    warehouse = Warehouse(published_path=str(tmp_path / "csdw.duckdb"))
    with warehouse.connect(warehouse.candidate) as connection:
        connection.execute("create schema marts")
        connection.execute(f"create table marts.fct_cla_episodes as {episodes_sql}")
    extracts = Extracts(landing_dir=str(tmp_path / "landing"), reference_date="2025-03-31")
    return MART_SUITE_CHECKS["fct_cla_episodes"](warehouse=warehouse, extracts=extracts)


def test_clean_episodes_pass(tmp_path):
    result = run_suite(tmp_path, CLEAN_EPISODES)

    assert result.passed
    assert result.metadata["failed"].value == []


@pytest.mark.parametrize(
    ("dirty_sql", "failed_expectation"),
    [
        ("select * from clean where false", "expect_table_row_count_to_be_between"),
        ("select * replace ('e1' as episode_id) from clean", "expect_column_values_to_be_unique on episode_id"),
        ("select * replace ('Z9' as legal_status_code) from clean", "expect_column_values_to_be_in_set on legal_status_code"),
        (
            "select * replace (date '2020-01-01' as episode_ended_on) from clean",
            "expect_column_pair_values_a_to_be_greater_than_b on episode_ended_on/episode_started_on",
        ),
        (
            "select * replace (date '2199-01-01' as episode_started_on) from clean",
            "expect_column_values_to_be_between on episode_started_on",
        ),
    ],
)
def test_each_kind_of_bad_episode_blocks_with_the_expectation_named(tmp_path, dirty_sql, failed_expectation):
    result = run_suite(tmp_path, f"with clean as ({CLEAN_EPISODES}) {dirty_sql}")

    assert not result.passed
    assert any(failure.startswith(failed_expectation) for failure in result.metadata["failed"].value)


def test_check_results_never_quote_identifiers(tmp_path):
    result = run_suite(tmp_path, f"with clean as ({CLEAN_EPISODES}) select * replace ('e1' as episode_id) from clean")

    reported = json.dumps({name: value.value for name, value in result.metadata.items()}, default=str)
    assert "hashed-child" not in reported and "'e1'" not in reported


def test_the_check_reads_the_candidate_not_the_published_warehouse(tmp_path):
    """The published table is the clean one; the candidate is empty and must fail on its own rows."""
    published = tmp_path / "csdw.duckdb"
    with duckdb.connect(str(published)) as connection:
        connection.execute("create schema marts")
        connection.execute(f"create table marts.fct_cla_episodes as {CLEAN_EPISODES}")

    result = run_suite(tmp_path, f"with clean as ({CLEAN_EPISODES}) select * from clean where false")

    assert not result.passed


def test_a_large_drop_in_episodes_against_the_last_publish_blocks_even_when_every_row_is_valid(tmp_path):
    published = tmp_path / "csdw.duckdb"
    with duckdb.connect(str(published)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.fct_cla_episodes as "
            f"select 'p' || i as episode_id, * exclude (episode_id) from ({CLEAN_EPISODES}), range(2) r(i)"
        )

    result = run_suite(tmp_path, CLEAN_EPISODES)

    assert not result.passed
    assert any(failure.startswith("expect_table_row_count_to_be_between") for failure in result.metadata["failed"].value)
