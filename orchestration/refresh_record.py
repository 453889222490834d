"""What each refresh did, kept whether it published or not: `audit.refresh_log` and `audit.check_results` in
the audit database beside the warehouse, and a machine-readable gate report in `<warehouse dir>/reports/`.

Nothing here quotes a row: check metadata holds counts, rule names and file/row references only."""

import json
from datetime import datetime
from pathlib import Path

import dagster as dg
import pandas as pd

from orchestration.resources import Warehouse


def _plain(value) -> object:
    return value.value if hasattr(value, "value") else value


def record_refresh(
    warehouse: Warehouse, result: dg.ExecuteInProcessResult, started: datetime, finished: datetime, status: str,
    reasons: list[str],
) -> Path:
    """Append the refresh and its checks to the audit tables; write and return its gate report."""
    refresh_id = result.run_id
    checks = [
        {
            "asset": evaluation.asset_key.to_user_string(),
            "check": evaluation.check_name,
            "passed": bool(evaluation.passed),
            "severity": evaluation.severity.value,
            "metadata": {name: _plain(value) for name, value in evaluation.metadata.items()},
        }
        for evaluation in result.get_asset_check_evaluations()
    ]
    rows_per_source = {
        event.asset_key.to_user_string(): _plain(event.materialization.metadata.get("rows"))
        for event in result.get_asset_materialization_events()
        if event.asset_key.path[0] == "raw"
    }
    failed = [f"{check['asset']}: {check['check']}" for check in checks if not check["passed"]]
    warehouse.append_audit("refresh_log", pd.DataFrame([{
        "refresh_id": refresh_id,
        "started_at": started,
        "finished_at": finished,
        "status": status,
        "rows_per_source": json.dumps(rows_per_source, sort_keys=True),
        "blocking_failures": json.dumps(failed + reasons),
    }]))
    if checks:
        warehouse.append_audit("check_results", pd.DataFrame([
            {
                "refresh_id": refresh_id,
                "checked_at": finished,
                "asset": check["asset"],
                "check_name": check["check"],
                "passed": check["passed"],
                "severity": check["severity"],
                "metadata": json.dumps(check["metadata"], default=str, sort_keys=True),
            }
            for check in checks
        ]))
    report = {
        "refresh_id": refresh_id,
        "status": status,
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "warehouse": str(warehouse.published),
        "rows_per_source": rows_per_source,
        "checks_passed": sum(check["passed"] for check in checks),
        "checks_failed": failed,
        "reasons": reasons,
        "checks": checks,
    }
    warehouse.reports.mkdir(parents=True, exist_ok=True)
    path = warehouse.reports / f"gate-{refresh_id}.json"
    text = json.dumps(report, default=str, indent=2)
    path.write_text(text)
    (warehouse.reports / "gate-latest.json").write_text(text)
    return path
