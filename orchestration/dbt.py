"""The dbt models as Dagster assets, and every dbt data test as an asset check."""

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow as pa
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from expectations.runner import import_great_expectations
from orchestration.dbt_project import DBT_PROJECT, prepare_manifest
from orchestration.ingest import candidate_run_id
from orchestration.resources import Extracts, Warehouse


class WarehouseTranslator(DagsterDbtTranslator):
    """Groups dbt nodes by warehouse layer (staging, intermediate, marts, reference seeds) in the UI."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return dbt_resource_props["fqn"][1]


@dbt_assets(manifest=prepare_manifest(), project=DBT_PROJECT, dagster_dbt_translator=WarehouseTranslator())
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse, extracts: Extracts):
    """How do tonight's extracts become facts and measures? Builds every dbt model (staging, intermediate,
    marts, measures) in the candidate warehouse, running every dbt data test; a failing test with error severity
    stops the refresh before anything is published. dbt's unit tests check the SQL on fixed inputs, not tonight's
    data, so they run in the test suite (tests/test_dbt_build.py), not every night (6 s a refresh)."""
    # The ingest steps' frames are gone, but the Arrow memory pool keeps their pages for reuse: hand them back
    # before dbt's own process needs memory beside this one (a third of this process at medium, bench/notes.md).
    pa.default_memory_pool().release_unused()
    # A run that builds models without reloading an extract (the UI's "materialize") starts the candidate here.
    warehouse.start_candidate(candidate_run_id(context))
    dbt_vars = {
        "warehouse_path": str(warehouse.candidate),
        "la_code": extracts.la_code,
        "reference_date": extracts.reference_date,
    }
    # One run at a time writes the warehouse, so one target folder serves every refresh (dagster-dbt would
    # otherwise leave a new folder per run): it holds the latest refresh's dbt.log and run results.
    command = ["build", "--exclude-resource-type", "unit_test", "--vars", json.dumps(dbt_vars)]
    build = dbt.cli(command, context=context, target_path=Path("target") / "refresh")
    # dbt's process spends its first seconds starting and parsing, and this one would wait: the quality checks after
    # this step need Great Expectations, so it is imported meanwhile (2 s at large, off the refresh's critical path).
    import_great_expectations()
    yield from build.stream()
