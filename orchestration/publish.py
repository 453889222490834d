"""Publish: the last step of write-audit-publish."""

import dagster as dg

from orchestration.dbt import warehouse_models
from orchestration.exports import Exports
from orchestration.resources import Warehouse


@dg.asset(deps=[warehouse_models], group_name="publish", kinds={"duckdb"})
def published_warehouse(warehouse: Warehouse, exports: Exports) -> dg.MaterializeResult:
    """Can analysts and dashboards read tonight's numbers? Runs only when every blocking check upstream has
    passed, then swaps the audited candidate in for the published warehouse with one atomic rename; readers
    never see a half-built or failed refresh. The curated exports (suppressed aggregates, internal marts) are
    rewritten from what was just published."""
    warehouse.publish()
    exported = exports.write(warehouse)
    return dg.MaterializeResult(metadata={"published": str(warehouse.published), "exports": str(exported)})
