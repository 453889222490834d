"""Publish: the last step of write-audit-publish, then the curated exports of what was published."""

import dagster as dg

from orchestration.dbt import warehouse_models
from orchestration.exports import Exports
from orchestration.refresh_inputs import from_tags
from orchestration.resources import Warehouse


@dg.asset(deps=[warehouse_models], group_name="publish", kinds={"duckdb"})
def published_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Can analysts and dashboards read tonight's numbers? Runs only when every blocking check upstream has
    passed, then swaps the audited candidate in for the published warehouse with one atomic rename; readers
    never see a half-built or failed refresh."""
    warehouse.publish(from_tags(context.run.tags), context.run.run_id)
    return dg.MaterializeResult(metadata={"published": str(warehouse.published)})


# A step of its own, after the swap: when the exports fail the warehouse is already live, the run says so, and
# "re-execute from failure" rewrites the exports without publishing again.
@dg.asset(deps=[published_warehouse], group_name="publish", kinds={"parquet"})
def curated_exports(warehouse: Warehouse, exports: Exports) -> dg.MaterializeResult:
    """Can Power BI and Excel read tonight's numbers without a DuckDB driver? Rewrites `exports/` from the
    warehouse just published: suppressed aggregates to publish, every mart as Parquet for internal analysis."""
    exported = exports.write(warehouse)
    return dg.MaterializeResult(metadata={"exports": str(exported)})
