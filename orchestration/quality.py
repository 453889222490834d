"""Great Expectations suites on the marts, run as blocking asset checks before publish."""

from datetime import date

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from expectations.cla import fct_cla_episodes_expectations
from expectations.runner import validate_frame
from orchestration.dbt import warehouse_models
from orchestration.resources import Warehouse


@dg.asset_check(
    asset=get_asset_key_for_model([warehouse_models], "fct_cla_episodes"),
    name="great_expectations_suite",
    blocking=True,
)
def fct_cla_episodes_suite(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Are tonight's episodes of care fit to publish? Runs the Great Expectations suite on
    `marts.fct_cla_episodes` (keys, code lists, plausible and ordered dates, not empty); a failure blocks
    publish, so last night's children-looked-after figures stay in place."""
    frame = warehouse.read_candidate_table("marts.fct_cla_episodes")
    outcomes = validate_frame(frame, "fct_cla_episodes", fct_cla_episodes_expectations(date.today()))
    failed = [outcome.describe() for outcome in outcomes if not outcome.success]
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"rows": len(frame), "expectations": len(outcomes), "failed": failed},
    )
