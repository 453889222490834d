"""The one Dagster Definitions of the warehouse (loaded by `dagster dev -w workspace.yaml` and `csdw`)."""

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.cin import cin_raw_tables
from orchestration.dbt import warehouse_models
from orchestration.dbt_project import DBT_EXECUTABLE, DBT_PROJECT
from orchestration.exports import Exports
from orchestration.alerts import ALERT_SENSORS
from orchestration.freshness import freshness_checks
from orchestration.jobs import JOBS
from orchestration.publish import curated_exports, published_warehouse
from orchestration.quality import (
    MART_SUITE_CHECKS,
    measure_values_contract,
    measure_values_coverage,
    measure_values_movement,
    measure_values_suite,
)
from orchestration.resources import Extracts, Warehouse
from orchestration.schedules import SCHEDULES
from orchestration.sensors import SENSORS
from orchestration.settings import Settings
from orchestration.nccis import nccis_raw_tables
from orchestration.sen2 import sen2_raw_tables
from orchestration.ssda903 import ssda903_raw_tables
from orchestration.workforce import workforce_raw_tables

INGEST_ASSETS = [cin_raw_tables, ssda903_raw_tables, sen2_raw_tables, nccis_raw_tables, workforce_raw_tables]


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[*INGEST_ASSETS, warehouse_models, published_warehouse, curated_exports],
        asset_checks=[*MART_SUITE_CHECKS.values(), measure_values_suite, measure_values_contract,
                      measure_values_coverage, measure_values_movement, *freshness_checks(settings.max_age_days)],
        jobs=JOBS,
        schedules=SCHEDULES,
        sensors=[*SENSORS, *ALERT_SENSORS],
        resources={
            "warehouse": Warehouse(
                published_path=str(settings.warehouse_path),
                max_row_count_change_percent=settings.max_row_count_change_percent,
                movement_warn_factor=settings.movement_warn_factor,
                movement_block_factor=settings.movement_block_factor,
                movement_small_count=settings.movement_small_count,
            ),
            "extracts": Extracts(
                landing_dir=str(settings.landing_dir),
                la_code=settings.la_code,
                reference_date=settings.reference_date.isoformat() if settings.reference_date else None,
                max_rejected_percent=settings.max_rejected_percent,
            ),
            "dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE),
            "exports": Exports(suppress_at_most=settings.export_suppress_at_most),
        },
    )


defs = build_definitions(Settings.from_env())
