"""The one Dagster Definitions loads, with every expected asset and check, and passes Dagster's validation."""

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from orchestration.definitions import build_definitions
from orchestration.settings import DEFAULT_THRESHOLDS, PROJECT_ROOT, Settings
from sources import cin, nccis, sen2, ssda903, workforce

EXPECTED_ASSETS = {
    *(f"raw/{contract.raw_table}" for family in (cin, ssda903, sen2, nccis, workforce) for contract in family.CONTRACTS),
    "reference/code_lists",
    "reference/measure_catalogue_entries",
    "reference/bank_holidays",
    "reference/population",
    "staging/stg_ssda903__headers",
    "staging/stg_ssda903__episodes",
    "intermediate/int_period_ends",
    "intermediate/int_population_at_period_ends",
    "intermediate/int_cla_measures",
    "marts/dim_date",
    "marts/dim_child",
    "intermediate/int_child_spine",
    "marts/fct_cla_episodes",
    "marts/measure_values",
    "marts/measure_catalogue",
    "published_warehouse",
    "curated_exports",
}
PUBLISH_ASSETS = {"published_warehouse", "curated_exports"}
EXPECTED_CHECKS = {
    ("raw/ssda903_header", "contract"),
    ("raw/ssda903_episodes", "contract"),
    ("raw/cin_details", "contract"),
    ("raw/workforce_workers", "contract"),
    ("marts/fct_cla_episodes", "great_expectations_suite"),
    ("marts/fct_cla_episodes", "unique_fct_cla_episodes_episode_id"),
    ("staging/stg_ssda903__episodes", "not_null_stg_ssda903__episodes_child_id"),
    ("marts/measure_values", "unique_combination_of_columns_measure_values_la_code__measure_id__period_end__period_type__breakdown"),
}


def test_definitions_list_every_dbt_model_as_an_asset_and_the_gates_as_checks(settings):
    graph = build_definitions(settings).resolve_asset_graph()

    assets = {key.to_user_string() for key in graph.get_all_asset_keys()}
    checks = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}

    assert EXPECTED_ASSETS <= assets
    assert all(key.startswith(("raw/", "reference/", "staging/", "intermediate/", "marts/")) for key in assets - PUBLISH_ASSETS)
    assert EXPECTED_CHECKS <= checks


def test_every_dbt_data_test_is_an_asset_check(settings):
    manifest = json.loads((PROJECT_ROOT / "dbt_project" / "target" / "manifest.json").read_text())
    dbt_tests = {node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "test"}
    graph = build_definitions(settings).resolve_asset_graph()

    assert dbt_tests <= {key.name for key in graph.asset_check_keys}


def test_contract_and_expectation_checks_block_publish(settings):
    graph = build_definitions(settings).resolve_asset_graph()
    specs = [spec for assets_def in graph.assets_defs for spec in assets_def.check_specs]

    blocking = {(spec.asset_key.to_user_string(), spec.name) for spec in specs if spec.blocking}

    assert {
        ("raw/ssda903_episodes", "contract"),
        ("marts/fct_cla_episodes", "great_expectations_suite"),
        ("marts/measure_values", "great_expectations_suite"),
        ("marts/measure_values", "pandera_contract"),
    } <= blocking
    assert ("marts/measure_values", "catalogue_coverage") not in blocking


def test_every_fact_mart_has_a_blocking_suite_and_measure_movement_blocks_on_the_configured_factors(
    tmp_path, monkeypatch
):
    thresholds = tmp_path / "thresholds.toml"
    thresholds.write_text(DEFAULT_THRESHOLDS.read_text()
                          .replace("movement_warn_factor = 1.5", "movement_warn_factor = 2.0")
                          .replace("movement_block_factor = 3.0", "movement_block_factor = 5.0"))
    monkeypatch.setenv("CSDW_THRESHOLDS", str(thresholds))
    definitions = build_definitions(Settings.from_env())
    graph = definitions.resolve_asset_graph()
    specs = [spec for assets_def in graph.assets_defs for spec in assets_def.check_specs]
    fact_marts = {key.to_user_string() for key in graph.get_all_asset_keys() if key.path[-1].startswith("fct_")}

    blocking = {(spec.asset_key.to_user_string(), spec.name) for spec in specs if spec.blocking}

    assert len(fact_marts) == 12
    assert {(mart, "great_expectations_suite") for mart in fact_marts} <= blocking
    assert ("marts/measure_values", "movement_since_last_publish") in blocking
    warehouse = definitions.resources["warehouse"]
    assert (warehouse.movement_warn_factor, warehouse.movement_block_factor) == (2.0, 5.0)


def test_the_refresh_job_runs_in_one_process_because_duckdb_has_one_writer(settings):
    job = build_definitions(settings).resolve_job_def("refresh")

    assert job.executor_def is dg.in_process_executor


def test_dagster_validates_the_workspace():
    dagster = Path(sys.executable).with_name("dagster")

    validation = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={name: value for name, value in os.environ.items() if name != "DAGSTER_HOME"},
    )

    assert validation.returncode == 0, validation.stderr[-3000:]
    assert "All code locations passed validation" in validation.stderr + validation.stdout
