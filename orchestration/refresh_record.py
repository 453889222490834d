"""What each refresh did, kept whether it published or not: `audit.refresh_log` and `audit.check_results` in
the audit database beside the warehouse, and a gate report in `<warehouse dir>/reports/`, machine-readable (JSON)
and for people (HTML, the equivalent of Great Expectations' Data Docs).

Nothing here quotes a row: check metadata holds counts, rule names and file/row references only."""

import json
import uuid
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from orchestration.pages import render
from orchestration.resources import Warehouse

# Where a check's metadata says how many rows failed: the warehouse's own checks, dbt's tests, the contracts.
FAILING_ROW_KEYS = ("failing_rows", "dagster_dbt/failed_row_count", "rows_rejected")
# The lists in a check's metadata that say what failed: expectations, rules, measures, faults (codes, never values).
DETAIL_KEYS = ("failed", "rules_broken", "missing", "blocking_faults")
DETAIL_ITEMS = 3
# The status of a refresh that found nothing changed since the last publish (orchestration/refresh_inputs.py).
UNCHANGED = "unchanged"
RESULT_ORDER = {"failed": 0, "warning": 1, "passed": 2}


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
    log_refresh(warehouse, refresh_id, started, finished, status, rows_per_source, failed + reasons)
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
    page = gate_report_html(report)
    for name in (refresh_id, "latest"):
        (warehouse.reports / f"gate-{name}.json").write_text(text)
        (warehouse.reports / f"gate-{name}.html").write_text(page, encoding="utf-8")
    return path


def log_refresh(warehouse: Warehouse, refresh_id: str, started: datetime, finished: datetime, status: str,
                rows_per_source: dict, failures: list[str]) -> None:
    warehouse.append_audit("refresh_log", pd.DataFrame([{
        "refresh_id": refresh_id,
        "started_at": started,
        "finished_at": finished,
        "status": status,
        "rows_per_source": json.dumps(rows_per_source, sort_keys=True),
        "blocking_failures": json.dumps(failures),
    }]))


def record_unchanged(warehouse: Warehouse, started: datetime, finished: datetime) -> None:
    """Log a refresh that found nothing changed since the last publish, and so ran no step; the gate report stays
    that of the last refresh that ran."""
    log_refresh(warehouse, str(uuid.uuid4()), started, finished, UNCHANGED, {}, [])


def last_status(warehouse: Warehouse) -> str | None:
    """How the last refresh logged ended; None before the first."""
    if not warehouse.audit.exists():
        return None
    with warehouse.connect(warehouse.audit, read_only=True) as connection:
        try:
            row = connection.execute("select status from audit.refresh_log order by finished_at desc limit 1").fetchone()
        except duckdb.CatalogException:
            return None
    return None if row is None else row[0]


def gate_report_html(report: dict) -> str:
    """The gate report as one self-contained page: each check's result, severity, table, failing rows and what
    failed in a few words; failures first, then warnings, then the checks that passed."""
    checks = sorted(
        ({
            "result": _result(check),
            "severity": check["severity"],
            "table": check["asset"].replace("/", "."),
            "check": check["check"],
            "failing_rows": next((check["metadata"][key] for key in FAILING_ROW_KEYS if key in check["metadata"]), None),
            "detail": _detail(check["metadata"]),
        } for check in report["checks"]),
        key=lambda check: (RESULT_ORDER[check["result"]], check["table"], check["check"]),
    )
    return render(
        "gate_report.html.j2",
        refresh_id=report["refresh_id"],
        status=report["status"],
        started_at=_minute(report["started_at"]),
        finished_at=_minute(report["finished_at"]),
        warehouse=report["warehouse"],
        reasons=report["reasons"],
        counts={result: sum(check["result"] == result for check in checks) for result in RESULT_ORDER},
        checks=checks,
    )


def _minute(timestamp: str) -> str:
    """An ISO timestamp as the performance report prints times."""
    return datetime.fromisoformat(timestamp).strftime("%d %b %Y %H:%M")


def _result(check: dict) -> str:
    if check["passed"]:
        return "passed"
    return "warning" if check["severity"] == "WARN" else "failed"


def _detail(metadata: dict) -> str:
    """The first few things a check's metadata lists as failed, and how many more there are."""
    items = [str(item) for key in DETAIL_KEYS for item in metadata.get(key) or []]
    if "newest_file_age_days" in metadata:
        items.append(f"newest file {metadata['newest_file_age_days']} days old, {metadata['max_age_days']} allowed")
    more = len(items) - DETAIL_ITEMS
    return "; ".join(items[:DETAIL_ITEMS]) + (f"; and {more} more" if more > 0 else "")
