"""Nightly operations: the jobs, the 02:00 schedule, the landing sensor, freshness warnings, retries and the run
queue's one-writer rule."""

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest
import yaml
from dagster._utils.schedules import cron_string_iterator

import orchestration.ingest as ingest
from orchestration.definitions import build_definitions
from orchestration.freshness import FRESHNESS_CHECK, freshness_check
from orchestration.jobs import WAREHOUSE_WRITER_TAG
from orchestration.resources import Extracts, Warehouse
from orchestration.schedules import nightly_refresh
from orchestration.sensors import landing_files_sensor
from orchestration.settings import PROJECT_ROOT, Settings
from sources import ssda903
from sources.contracts import ContractViolation
from sources.families import CHECKERS

LONDON = ZoneInfo("Europe/London")
DAY = 86400


def test_there_is_a_refresh_job_and_one_job_per_extract_family_each_with_what_is_built_from_it(settings):
    definitions = build_definitions(settings)

    cin_job = definitions.resolve_job_def("refresh_cin").asset_layer.executable_asset_keys
    shown = {key.to_user_string() for key in cin_job}

    assert {job.name for job in definitions.resolve_all_job_defs()} >= {"refresh", *(f"refresh_{f}" for f in CHECKERS)}
    assert {"raw/cin_details", "staging/stg_cin__details", "marts/fct_referrals", "published_warehouse",
            "curated_exports"} <= shown
    assert not any(key.startswith(("raw/ssda903", "raw/sen2", "staging/stg_ssda903")) for key in shown)


def test_the_ui_lists_the_schedule_the_landing_sensor_and_the_failure_alert(settings):
    repository = build_definitions(settings).get_repository_def()

    assert {schedule.name for schedule in repository.schedule_defs} == {"nightly_refresh"}
    assert {sensor.name for sensor in repository.sensor_defs} >= {"landing_files_sensor", "refresh_failure_alert"}


def _ticks(start: datetime, count: int) -> list[datetime]:
    ticks = cron_string_iterator(start.timestamp(), nightly_refresh.cron_schedule, nightly_refresh.execution_timezone)
    return [next(ticks) for _ in range(count)]


@pytest.mark.parametrize("clocks_change", [datetime(2025, 3, 30), datetime(2025, 10, 26)], ids=["spring", "autumn"])
def test_the_schedule_fires_at_two_in_the_morning_london_time_across_a_clock_change(clocks_change):
    ticks = _ticks((clocks_change - timedelta(days=3)).replace(tzinfo=LONDON), 6)

    assert [tick.astimezone(LONDON).hour for tick in ticks] == [2] * 6
    assert [tick.astimezone(LONDON).minute for tick in ticks] == [0] * 6
    assert len({tick.astimezone(LONDON).date() for tick in ticks}) == 6
    # The clocks did change in between: the same 02:00 is a different hour in UTC either side.
    assert len({tick.astimezone(timezone.utc).hour for tick in ticks}) == 2
    for tick in ticks:
        context = dg.build_schedule_context(scheduled_execution_time=tick)
        requests = nightly_refresh.evaluate_tick(context).run_requests
        assert len(requests) == 1


def _evaluate(landing: Path, cursor: str | None) -> tuple[int, str]:
    context = dg.build_sensor_context(cursor=cursor, resources={"extracts": Extracts(landing_dir=str(landing))})
    result = landing_files_sensor(context)
    return len(result.run_requests or []), result.cursor


def _land(landing: Path, name: str, text: str) -> Path:
    extract = landing / name
    extract.parent.mkdir(parents=True)
    extract.write_text(text)
    return extract


def test_the_sensor_requests_one_refresh_for_a_new_file_once_it_has_stopped_growing_and_none_after(tmp_path):
    _land(tmp_path, "ssda903/episodes.csv", "CHILD,DECOM\n")

    runs_first, cursor = _evaluate(tmp_path, None)
    runs_settled, cursor = _evaluate(tmp_path, cursor)
    runs_unchanged, cursor = _evaluate(tmp_path, cursor)

    assert (runs_first, runs_settled, runs_unchanged) == (0, 1, 0)


def test_the_sensor_does_not_read_a_file_while_it_is_still_growing(tmp_path):
    extract = _land(tmp_path, "cin/cin_2025.xml", "<Message>")
    runs, cursor = [], None
    for more in ("<Header/>", "<Children>", "</Children></Message>"):
        count, cursor = _evaluate(tmp_path, cursor)
        runs.append(count)
        with extract.open("a") as handle:
            handle.write(more)

    count, cursor = _evaluate(tmp_path, cursor)
    runs.append(count)
    settled, cursor = _evaluate(tmp_path, cursor)

    assert runs == [0, 0, 0, 0] and settled == 1


def test_the_sensor_ignores_a_file_touched_without_a_change_and_sees_a_changed_one(tmp_path):
    extract = _land(tmp_path, "nccis/ccis_2025_03.csv", "a,b\n1,2\n")
    _, cursor = _evaluate(tmp_path, None)
    _, cursor = _evaluate(tmp_path, cursor)

    os.utime(extract, (time.time() + 60, time.time() + 60))
    touched, cursor = _evaluate(tmp_path, cursor)
    extract.write_text("a,b\n1,3\n")
    os.utime(extract, (time.time() + 120, time.time() + 120))
    corrected, cursor = _evaluate(tmp_path, cursor)

    assert (touched, corrected) == (0, 1)


def _write_aged(path: Path, age_days: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x")
    then = time.time() - age_days * DAY
    os.utime(path, (then, then))


@pytest.mark.parametrize(("age_days", "passed"), [(1, True), (3, False)])
def test_freshness_warns_when_the_newest_file_of_a_family_is_older_than_its_age(tmp_path, age_days, passed):
    _write_aged(tmp_path / "cin" / "old.xml", 10)
    _write_aged(tmp_path / "cin" / "newest.xml", age_days)

    result = freshness_check("cin", 2.0)(extracts=Extracts(landing_dir=str(tmp_path)))

    assert result.passed is passed
    assert result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["files"].value == 2


def test_freshness_checks_are_warnings_on_every_family_from_thresholds_and_never_block_publish():
    graph = build_definitions(Settings.from_env()).resolve_asset_graph()
    specs = [spec for assets_def in graph.assets_defs for spec in assets_def.check_specs if spec.name == FRESHNESS_CHECK]

    assert len(specs) == len(CHECKERS)
    assert not any(spec.blocking for spec in specs)
    assert Settings.from_env().max_age_days == {"cin": 2, "ssda903": 2, "sen2": 400, "nccis": 35, "workforce": 35}


def _ingest_attempts(tmp_path, monkeypatch, error: Exception) -> tuple[int, dg.ExecuteInProcessResult]:
    monkeypatch.setattr(ingest, "IO_RETRY_SECONDS", 0)
    attempts = []

    def failing_check(landing, key, check_settings):
        attempts.append(1)
        raise error

    assets = ingest.build_ingest_assets("ssda903", ssda903.CONTRACTS, failing_check, question="retry test")
    result = dg.materialize(
        [assets],
        resources={
            "extracts": Extracts(landing_dir=str(tmp_path), la_code="999"),
            "warehouse": Warehouse(published_path=str(tmp_path / "csdw.duckdb")),
        },
        raise_on_error=False,
    )
    return len(attempts), result


def test_a_transient_io_error_is_retried_three_times(tmp_path, monkeypatch):
    attempts, result = _ingest_attempts(tmp_path, monkeypatch, OSError("network share unavailable"))

    assert attempts == 4 and not result.success
    assert sum(event.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY for event in result.all_events) == 3


def test_a_broken_extract_is_a_gate_and_is_never_retried(tmp_path, monkeypatch):
    attempts, result = _ingest_attempts(tmp_path, monkeypatch, ContractViolation("ssda903", [], kept_in="audit"))

    assert attempts == 1 and not result.success
    assert not any(event.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY for event in result.all_events)


def test_one_warehouse_writer_at_a_time_every_job_tagged_and_the_queue_limited_to_one(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    (tmp_path / "dagster.yaml").write_text((PROJECT_ROOT / "dagster.yaml").read_text())

    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    jobs = build_definitions(settings).resolve_all_job_defs()

    assert {"key": WAREHOUSE_WRITER_TAG, "limit": 1} in [dict(limit) for limit in limits]
    assert all(job.tags.get(WAREHOUSE_WRITER_TAG) for job in jobs if not job.name.startswith("__"))


STAND_IN_LOCATION = Path(__file__).with_name("one_writer_location.py")
QUEUE_TIMEOUT_SECONDS = 120


def _dagster(command: str, *arguments: str) -> list[str]:
    return [str(Path(sys.executable).with_name(command)), *arguments, "-f", str(STAND_IN_LOCATION)]


def _wait_until_finished(instance: dg.DagsterInstance, run_ids: list[str]) -> list[dg.DagsterRun]:
    deadline = time.monotonic() + QUEUE_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        runs = [instance.get_run_by_id(run_id) for run_id in run_ids]
        if all(run.is_finished for run in runs):
            return runs
        time.sleep(1)
    pytest.fail(f"the queued runs did not finish in {QUEUE_TIMEOUT_SECONDS}s: {[run.status for run in runs]}")


def test_two_refreshes_requested_together_run_one_after_the_other(tmp_path, monkeypatch):
    """The project's dagster.yaml with a real daemon: two writer runs wait in the queue together; the daemon starts
    the second only once the first has finished, so neither meets the other's DuckDB lock."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("CSDW_WAREHOUSE", str(tmp_path / "csdw.duckdb"))
    for _ in range(2):
        launch = subprocess.run(_dagster("dagster", "job", "launch", "-j", "refresh"), cwd=PROJECT_ROOT,
                                capture_output=True, text=True, timeout=QUEUE_TIMEOUT_SECONDS)
        assert launch.returncode == 0, launch.stderr[-3000:]

    with dg.DagsterInstance.get() as instance:
        queued = [run.run_id for run in instance.get_runs()]
        assert [run.status for run in instance.get_runs()] == [dg.DagsterRunStatus.QUEUED] * 2
        # Its own process group, so stopping it stops the code server and run workers it started too.
        daemon = subprocess.Popen(_dagster("dagster-daemon", "run"), cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            runs = _wait_until_finished(instance, queued)
        finally:
            os.killpg(daemon.pid, signal.SIGTERM)
            daemon.wait(timeout=60)
        records = sorted(instance.get_run_records(), key=lambda record: record.start_time)

    assert [run.status for run in runs] == [dg.DagsterRunStatus.SUCCESS] * 2
    first, second = records
    assert first.end_time <= second.start_time, "the second refresh started before the first had finished"
    with duckdb.connect(str(tmp_path / "csdw.duckdb"), read_only=True) as connection:
        assert connection.execute("select count(*) from writes").fetchone() == (2,)


def test_the_postgresql_instance_queues_runs_as_the_default_one_does():
    default, postgres = (yaml.safe_load((PROJECT_ROOT / name).read_text()) for name in ("dagster.yaml", "dagster.postgres.yaml"))

    assert postgres["run_coordinator"] == default["run_coordinator"]


def test_a_run_starts_its_candidate_from_the_published_warehouse_once_and_never_carries_on_another_runs(tmp_path):
    """A family job finds the other families' tables; its later steps (and a re-execution from failure) carry on
    with its own candidate; the next run never builds on the half-built candidate a failed run left."""
    warehouse = Warehouse(published_path=str(tmp_path / "csdw.duckdb"))
    with warehouse.connect(warehouse.published) as connection:
        connection.execute("create schema reference; create table reference.code_lists as select 1 as code")

    def code_lists_in_candidate() -> int:
        with warehouse.connect(warehouse.candidate, read_only=True) as connection:
            return connection.execute("select count(*) from duckdb_tables() where table_name = 'code_lists'").fetchone()[0]

    warehouse.start_candidate("first-run")
    copied = code_lists_in_candidate()
    with warehouse.connect(warehouse.candidate) as connection:
        connection.execute("drop table reference.code_lists")
    warehouse.start_candidate("first-run")
    kept = code_lists_in_candidate()
    warehouse.start_candidate("next-run")

    assert (copied, kept) == (1, 0), "a candidate its run has begun is kept, not copied over again"
    assert code_lists_in_candidate() == 1, "another run's candidate is replaced by a fresh copy of the published one"
