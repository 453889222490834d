"""A refresh reloads only the extract families whose files have changed since the last publish, rebuilds only what
is built from them, and does nothing (and says so) when nothing has changed."""

import dataclasses
import hashlib
import json
import shutil

import duckdb

from orchestration import cli
from orchestration.cli import EXIT_PUBLISHED, run_refresh
from orchestration.refresh_inputs import BUILD, changed_families, current_inputs, published_inputs
from orchestration.resources import Warehouse
from sources.families import CHECKERS
from tests.conftest import HAND_MADE_EPISODES, SMALL_LA_CODE, SMALL_LA_PERIOD_END, csdw_refresh, episode


def checksum(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def logged_statuses(settings) -> list[str]:
    with duckdb.connect(str(settings.warehouse_path.with_name("csdw.audit.duckdb")), read_only=True) as connection:
        return [row[0] for row in connection.execute("select status from audit.refresh_log order by started_at").fetchall()]


def reloaded_sources(gate_report) -> set[str]:
    return set(json.loads(gate_report.read_text())["rows_per_source"])


def test_the_same_extracts_again_leave_the_warehouse_as_it_is_and_full_rebuilds_it_anyway(
        settings, write_ssda903, capsys):
    write_ssda903(HAND_MADE_EPISODES)
    first = run_refresh(settings)
    published = checksum(settings.warehouse_path)
    capsys.readouterr()

    unchanged = cli.refresh(settings)
    printed = capsys.readouterr().out
    kept = checksum(settings.warehouse_path)
    full = run_refresh(settings, full=True)

    assert (first.exit_code, unchanged, full.exit_code) == (EXIT_PUBLISHED, EXIT_PUBLISHED, EXIT_PUBLISHED)
    assert "Unchanged" in printed and kept == published
    assert full.unchanged_since is None and reloaded_sources(full.report) == reloaded_sources(first.report) != set()
    assert logged_statuses(settings) == ["published", "unchanged", "published"]


def test_a_changed_setting_key_or_extract_file_changes_what_a_refresh_would_be_built_from(
        settings, write_ssda903, monkeypatch):
    write_ssda903(HAND_MADE_EPISODES)
    published = current_inputs(settings)

    assert changed_families(current_inputs(settings), published) == []
    assert changed_families(current_inputs(dataclasses.replace(settings, max_rejected_percent=1.0)), published) == \
        list(CHECKERS)
    write_ssda903(HAND_MADE_EPISODES + [episode("CHILDF", "01/03/2024")])
    assert changed_families(current_inputs(settings), published) == ["ssda903"]
    monkeypatch.setenv("CSDW_PSEUDONYM_KEY", "another-key")
    assert current_inputs(settings)[BUILD] != published[BUILD]


def test_a_publish_made_without_the_hashes_records_none_so_the_next_refresh_reloads_everything(tmp_path):
    """A run the Dagster UI or the schedule launched carries no hashes: what it published is never taken as known."""
    warehouse = Warehouse(published_path=str(tmp_path / "csdw.duckdb"))
    warehouse.start_candidate("by-csdw")
    warehouse.publish({BUILD: "b", "cin": "c"}, "by-csdw")
    recorded = published_inputs(warehouse)
    warehouse.start_candidate("from-the-ui")
    warehouse.publish({}, "from-the-ui")

    assert recorded == ({BUILD: "b", "cin": "c"}, "by-csdw")
    assert published_inputs(warehouse) == ({}, None)
    assert changed_families({BUILD: "b", **dict.fromkeys(CHECKERS, "c")}, {}) == list(CHECKERS)


def test_a_new_ccis_file_reloads_ccis_alone_and_leaves_the_other_families_measures_as_published(
        small_la_refresh, tmp_path):
    landing = shutil.copytree(small_la_refresh.landing, tmp_path / "landing")
    warehouse = tmp_path / "warehouse" / "csdw.duckdb"
    warehouse.parent.mkdir()
    shutil.copyfile(small_la_refresh.warehouse, warehouse)
    ccis = max((landing / "nccis").rglob("*.csv"))
    lines = ccis.read_text().splitlines(keepends=True)
    ccis.write_text("".join(lines[:-1]))

    refresh = csdw_refresh(landing, warehouse, SMALL_LA_CODE, SMALL_LA_PERIOD_END)

    assert refresh.exit_code == EXIT_PUBLISHED, refresh.printed
    assert "Changed since the last publish: nccis." in refresh.printed
    report_path = warehouse.parent / "reports" / "gate-latest.json"
    assert {source.split("_")[0] for source in reloaded_sources(report_path)} == {"raw/nccis"}
    report = json.loads(report_path.read_text())
    checked = {check["asset"] for check in report["checks"]}
    assert {"marts/fct_neet_monthly", "marts/measure_values"} <= checked
    assert not checked & {"marts/fct_cla_episodes", "marts/fct_referrals"}, "CLA and CIN were not rebuilt"
    others = ("select measure_id, period_end, breakdown, value from marts.measure_values where measure_id not in "
              "(select measure_id from marts.measure_catalogue where source_family = 'nccis') order by all")
    with duckdb.connect(str(small_la_refresh.warehouse), read_only=True) as before, \
            duckdb.connect(str(warehouse), read_only=True) as after:
        assert after.execute(others).fetchall() == before.execute(others).fetchall()
