"""`csdw report`: RAG against local targets, and the whole report rendered by a real browser (headless Chromium)
from a warehouse refreshed on generated data: every area's section, one chart per measure with values, no console
errors. The screenshot is kept under test-output/ for a person to look at. The same publish's exports are
checked too: one Parquet file per mart, and no small count left in the CSV."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.cli import EXIT_PUBLISHED, main
from orchestration.report import AREAS, Target, load_targets, rag_status
from tests.conftest import SMALL_LA_CODE as LA_CODE

TEST_OUTPUT = Path(__file__).resolve().parents[1] / "test-output"
BROWSER_TIMEOUT_SECONDS = 120


@pytest.mark.parametrize(("value", "target", "expected"), [
    (80.0, Target(80.0, "higher"), "green"),
    (76.0, Target(80.0, "higher"), "amber"),  # 5% of 80 is 4: exactly on the amber edge
    (75.9, Target(80.0, "higher"), "red"),
    (10.0, Target(12.0, "lower"), "green"),
    (12.6, Target(12.0, "lower"), "amber"),
    (12.7, Target(12.0, "lower"), "red"),
    (0.0, Target(0.0, "lower"), "green"),
    (1.0, Target(0.0, "lower"), "red"),
    (None, Target(80.0, "higher"), None),
    (80.0, None, None),
])
def test_rag_is_green_on_target_amber_within_five_percent_red_beyond(value, target, expected):
    assert rag_status(value, target) == expected


def test_targets_file_is_optional_and_its_direction_checked(tmp_path):
    assert load_targets(tmp_path / "missing.csv") == {}
    path = tmp_path / "targets.csv"
    path.write_text("measure_id,target,direction\ncp_repeat_pct,20,lower\nassessments_45wd_pct,85,Higher\n")
    assert load_targets(path) == {"cp_repeat_pct": Target(20.0, "lower"),
                                  "assessments_45wd_pct": Target(85.0, "higher")}
    path.write_text("measure_id,target,direction\ncp_repeat_pct,20,down\n")
    with pytest.raises(ValueError, match="direction"):
        load_targets(path)


def chromium() -> str | None:
    found = shutil.which("chromium")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed: .ci/setup.d/chromium.sh should have installed it")
    return found


@pytest.fixture(scope="module")
def report(small_la_refresh) -> Path:
    """A report from the session's small generated LA (conftest), with two local targets beside its warehouse."""
    assert small_la_refresh.exit_code == EXIT_PUBLISHED, small_la_refresh.printed[-3000:]
    warehouse = small_la_refresh.warehouse
    (warehouse.parent / "targets.csv").write_text(
        "measure_id,target,direction\nassessments_45wd_pct,85,higher\ncp_repeat_pct,20,lower\n")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CSDW_LA_CODE", LA_CODE)
        env.delenv("CSDW_TARGETS", raising=False)
        out = warehouse.parent / "report.html"
        assert main(["report", "--warehouse", str(warehouse), "--out", str(out)]) == EXIT_PUBLISHED
    return out


def headline_measures(warehouse: Path) -> list[str]:
    """Catalogue measures with at least one value for the report's LA: each must have a chart."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return [row[0] for row in connection.execute(
            "select distinct measure_id from marts.measure_values where breakdown = 'all' and value is not null "
            "and la_code = ? and measure_id in (select measure_id from marts.measure_catalogue)", [LA_CODE]).fetchall()]


def run_browser(binary: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
         "--enable-logging=stderr", "--v=0", *arguments],
        capture_output=True, text=True, timeout=BROWSER_TIMEOUT_SECONDS, check=True,
    )


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "Uncaught" in line or "ERROR:CONSOLE" in line]


def test_report_renders_every_area_and_a_chart_per_measure_in_chromium(report, tmp_path):
    binary = chromium()
    if binary is None:
        pytest.skip("chromium is not installed (run .ci/setup.d/chromium.sh); the browser test needs it")
    dumped = run_browser(binary, tmp_path / "profile", "--dump-dom", report.as_uri())
    dom = dumped.stdout
    for area in AREAS:
        assert f'<section class="area" id="{area}">' in dom, area
    assert 'id="data-quality"' in dom and 'id="data-currency"' in dom
    for measure_id in headline_measures(report.parent / "csdw.duckdb"):
        article = re.search(rf'<article [^>]*id="measure-{measure_id}".*?</article>', dom, re.DOTALL)
        assert article is not None, measure_id
        assert article.group(0).count("<svg") == 1, measure_id
    assert re.search(r'class="rag rag-(green|amber|red)"', dom), "the targets beside the warehouse give a RAG"
    assert console_errors(dumped.stderr) == []

    TEST_OUTPUT.mkdir(exist_ok=True)
    screenshot = TEST_OUTPUT / "report.png"
    screenshot.unlink(missing_ok=True)
    shot = run_browser(binary, tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=1280,4000",
                       report.as_uri())
    assert screenshot.stat().st_size > 50_000, "a blank page compresses to a few kilobytes"
    assert console_errors(shot.stderr) == []


def test_report_holds_no_scripts_or_links_out(report):
    html = report.read_text()
    assert "<script" not in html
    assert not re.search(r'(src|href)="https?://', html), "the report must open with no network"


def test_the_same_publish_exported_every_mart_with_small_counts_suppressed(report):
    """The refresh behind the report also wrote the exports: every mart, and no count of 1-5 in the CSVs."""
    warehouse = report.parent / "csdw.duckdb"
    exports = report.parent / "exports"
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        marts = {row[0] for row in connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()}
    exported = {path.stem for path in exports.rglob("*.parquet")}
    assert exported == marts
    measures = pd.read_csv(exports / "measure_values.csv", dtype=str)
    counts = measures[measures["unit"] == "count"]
    shown = pd.to_numeric(counts["value"].where(counts["value"] != "c"), errors="coerce")
    assert not shown.between(1, 5).any()
    assert (measures["value"] == "c").any(), "a small LA has some small counts to hide"
