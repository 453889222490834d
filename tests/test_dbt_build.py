"""The dbt project builds on a temporary DuckDB from raw tables loaded by the ingest assets."""

import json
import os
import subprocess

import dagster as dg
import duckdb

from orchestration.dbt_project import DBT_EXECUTABLE, DBT_PROJECT_DIR
from orchestration.resources import Extracts, Warehouse
from orchestration.definitions import INGEST_ASSETS
from sources.synthetic.ssda903 import generate_ssda903
from tests.conftest import TEST_LA_CODE


def test_dbt_build_creates_the_marts_and_passes_its_tests_on_a_temp_duckdb(settings, tmp_path):
    generate_ssda903(settings.landing_dir, children=80, seed=3)
    warehouse = Warehouse(published_path=str(settings.warehouse_path))
    # Every family is ingested: the families without files give empty raw tables, as in a real refresh.
    loaded = dg.materialize(
        INGEST_ASSETS,
        resources={"warehouse": warehouse, "extracts": Extracts(landing_dir=str(settings.landing_dir), la_code=TEST_LA_CODE)},
    )
    assert loaded.success

    dbt_vars = json.dumps({"warehouse_path": str(warehouse.candidate), "la_code": TEST_LA_CODE, "reference_date": "2025-03-31"})
    build = subprocess.run(
        [DBT_EXECUTABLE, "build", "--vars", dbt_vars, "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target")],
        cwd=DBT_PROJECT_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, "DBT_LOG_PATH": str(tmp_path / "logs")},
    )

    assert build.returncode == 0, build.stdout[-3000:]
    with duckdb.connect(str(warehouse.candidate), read_only=True) as connection:
        tables = {row[0] for row in connection.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()}
        latest = connection.execute(
            "select max(period_end) from marts.measure_values where measure_id = 'cla_at_date'"
        ).fetchone()[0]
    assert {"raw.ssda903_episodes", "staging.stg_ssda903__episodes", "marts.fct_cla_episodes", "marts.measure_values"} <= tables
    assert str(latest) == "2025-03-31"
