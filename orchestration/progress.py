"""What `csdw refresh` shows while it runs: a line as each family is read, each dbt model is built, each gate is
checked and the warehouse is published, with the seconds since the refresh began.

The lines come from the run's own events as Dagster stores them, so they say what the Dagster UI says about the
same run. They hold names and counts only: never a message from dbt or a check's metadata, which could quote a row.
"""

import logging
import time
from typing import TextIO

import dagster as dg

from orchestration.cli import _root_error
from orchestration.dbt import warehouse_models
from orchestration.definitions import INGEST_ASSETS
from orchestration.publish import curated_exports, published_warehouse

INGEST_STEPS = {assets.op.name for assets in INGEST_ASSETS}
DBT_STEP = warehouse_models.op.name
# Steps long enough to be worth a line when they start; the ingest steps say what they read when they have.
STARTS = {
    DBT_STEP: "dbt      building staging, intermediate, marts and measures",
    published_warehouse.op.name: "publish  swapping the audited candidate in",
    curated_exports.op.name: "exports  writing",
}
DONE = {published_warehouse.key: "publish  published", curated_exports.key: "exports  written"}


class RefreshProgress:
    """Prints one line per step of a refresh that takes time; fed the run's events by
    `DagsterInstance.add_event_listener`. Passing checks inside the ingest and dbt steps have no line of their own
    (a family's line says its faults, dbt's last line counts its tests); every other check, and every failure, has."""

    def __init__(self, out: TextIO):
        self.out = out
        self.started = time.time()
        self.models_built = 0
        self.tests_passed = 0

    def __call__(self, entry: dg.EventLogEntry) -> None:
        line = self.describe(entry)
        if line:
            print(f"{entry.timestamp - self.started:7.1f}s  {line}", file=self.out, flush=True)

    def describe(self, entry: dg.EventLogEntry) -> str | None:
        event, step = entry.dagster_event, entry.step_key
        if event is None:
            # The ingest assets log one line per family: files read, rows, rejected, repaired (counts only).
            if step in INGEST_STEPS and entry.level >= logging.INFO:
                return f"ingest   {entry.user_message}"
            return None
        if event.event_type == dg.DagsterEventType.STEP_START:
            return STARTS.get(step)
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            if step == DBT_STEP:
                self.models_built += 1
                return f"dbt      {event.asset_key.to_user_string()}"
            return DONE.get(event.asset_key)
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            return self.check(event.asset_check_evaluation_data, step)
        if event.event_type == dg.DagsterEventType.STEP_SUCCESS and step == DBT_STEP:
            return f"dbt      {self.models_built} models and seeds built, {self.tests_passed} tests passed"
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            return f"FAILED   {step} ({_root_error(event.step_failure_data.error).cls_name})"
        return None

    def check(self, evaluation: dg.AssetCheckEvaluation, step: str) -> str | None:
        if evaluation.passed and step == DBT_STEP:
            self.tests_passed += 1
        if evaluation.passed and step in INGEST_STEPS | {DBT_STEP}:
            return None
        if evaluation.passed:
            verdict = "passed"
        else:
            verdict = "warning" if evaluation.severity == dg.AssetCheckSeverity.WARN else "FAILED"
        return f"check    {evaluation.asset_key.to_user_string()}: {evaluation.check_name} {verdict}"
