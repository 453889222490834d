"""Write-audit-publish: the previous publish is kept and can be restored, readers keep a consistent view during
a swap, every refresh is logged (blocked ones too), and a crash at any point leaves the last good warehouse."""

import dataclasses
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from orchestration import cli
from orchestration.cli import EXIT_BLOCKED, EXIT_PUBLISHED, run_refresh
from orchestration.settings import PROJECT_ROOT
from tests.conftest import HAND_MADE_EPISODES, HAND_MADE_REFERENCE_DATE, TEST_KEY, TEST_LA_CODE, episode


def children_looked_after(warehouse: Path) -> float:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            "select value from marts.measure_values where measure_id = 'cla_at_date' and breakdown = 'all' "
            "order by period_end desc limit 1"
        ).fetchone()[0]


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_publish_keeps_the_previous_warehouse_and_rollback_restores_it(settings, write_ssda903):
    settings = dataclasses.replace(settings, reference_date=HAND_MADE_REFERENCE_DATE)
    write_ssda903(HAND_MADE_EPISODES)
    assert run_refresh(settings).exit_code == EXIT_PUBLISHED
    first = checksum(settings.warehouse_path)
    write_ssda903(HAND_MADE_EPISODES + [episode("CHILDF", "01/03/2024")])
    assert run_refresh(settings).exit_code == EXIT_PUBLISHED
    assert children_looked_after(settings.warehouse_path) == 4

    assert cli.main(["rollback", "--warehouse", str(settings.warehouse_path)]) == EXIT_PUBLISHED

    assert checksum(settings.warehouse_path) == first
    assert children_looked_after(settings.warehouse_path) == 3
    assert children_looked_after(settings.warehouse_path.with_name("csdw.duckdb.previous")) == 4


def test_rollback_without_a_previous_publish_says_so(settings):
    assert cli.main(["rollback", "--warehouse", str(settings.warehouse_path)]) == cli.EXIT_ERROR


def test_a_reader_holding_the_published_warehouse_keeps_its_view_during_a_swap(settings, write_ssda903):
    settings = dataclasses.replace(settings, reference_date=HAND_MADE_REFERENCE_DATE)
    write_ssda903(HAND_MADE_EPISODES)
    assert run_refresh(settings).exit_code == EXIT_PUBLISHED
    reader = duckdb.connect(str(settings.warehouse_path), read_only=True)
    query = "select count(*), sum(value) from marts.measure_values where measure_id = 'cla_at_date'"
    before = reader.execute(query).fetchone()

    write_ssda903(HAND_MADE_EPISODES + [episode("CHILDF", "01/03/2024")])
    assert run_refresh(settings).exit_code == EXIT_PUBLISHED

    assert reader.execute(query).fetchone() == before
    reader.close()
    assert children_looked_after(settings.warehouse_path) == 4


def test_every_refresh_is_logged_with_its_checks_and_a_gate_report(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024")])
    published = run_refresh(settings)
    write_ssda903([])
    blocked = run_refresh(settings)

    assert (published.exit_code, blocked.exit_code) == (EXIT_PUBLISHED, EXIT_BLOCKED)
    with duckdb.connect(str(settings.warehouse_path.with_name("csdw.audit.duckdb")), read_only=True) as connection:
        log = connection.execute("select status, blocking_failures from audit.refresh_log order by started_at").fetchall()
        failed_checks = connection.execute(
            "select asset, check_name from audit.check_results where not passed and severity = 'ERROR'"
        ).fetchall()
    assert [status for status, _ in log] == ["published", "blocked"]
    assert "great_expectations_suite" in log[1][1]
    # An empty episodes export empties the measures too: both suites block.
    assert ("marts/fct_cla_episodes", "great_expectations_suite") in failed_checks
    report = json.loads(blocked.report.read_text())
    assert report["status"] == "blocked"
    assert "marts/fct_cla_episodes: great_expectations_suite" in report["checks_failed"]
    assert json.loads((blocked.report.parent / "gate-latest.json").read_text())["refresh_id"] == report["refresh_id"]


def test_the_next_publish_carries_the_log_of_blocked_refreshes_into_the_published_warehouse(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024")])
    assert run_refresh(settings).exit_code == EXIT_PUBLISHED
    write_ssda903([])
    assert run_refresh(settings).exit_code == EXIT_BLOCKED
    write_ssda903([episode("CHILD1", "01/04/2024"), episode("CHILD2", "01/05/2024")])

    assert run_refresh(settings).exit_code == EXIT_PUBLISHED

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        statuses = connection.execute("select status from audit.refresh_log order by started_at").fetchall()
    assert statuses == [("published",), ("blocked",)]


def test_a_refresh_killed_at_any_moment_leaves_the_last_good_warehouse(settings, write_ssda903):
    """kill -9 a refresh at several moments (ingest, dbt build, audit, publish); each time the published file
    must be readable and be either the last good publish or the new complete one."""
    settings = dataclasses.replace(settings, reference_date=HAND_MADE_REFERENCE_DATE)
    write_ssda903(HAND_MADE_EPISODES)
    assert run_refresh(settings).exit_code == EXIT_PUBLISHED
    good = checksum(settings.warehouse_path)
    write_ssda903(HAND_MADE_EPISODES + [episode("CHILDF", "01/03/2024")])
    environment = {
        **{name: value for name, value in os.environ.items() if name != "DAGSTER_HOME"},
        "CSDW_PSEUDONYM_KEY": TEST_KEY, "CSDW_LA_CODE": TEST_LA_CODE,
        "CSDW_REFERENCE_DATE": HAND_MADE_REFERENCE_DATE.isoformat(),
    }
    command = [str(Path(sys.executable).with_name("csdw")), "refresh", "--landing", str(settings.landing_dir),
               "--warehouse", str(settings.warehouse_path)]
    outcomes = set()
    for delay in (2.0, 7.0, 12.0):
        refresh = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        if refresh.poll() is None:
            os.killpg(refresh.pid, signal.SIGKILL)
        refresh.wait()
        value = children_looked_after(settings.warehouse_path)
        outcomes.add(value)
        assert value in (3, 4)
        if value == 3:
            assert checksum(settings.warehouse_path) == good
    assert 3 in outcomes, "no kill landed before publish"
