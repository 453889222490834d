"""`csdw demo`: what a newcomer sees after `make demo`."""

import os
import subprocess
import sys
from pathlib import Path

from orchestration.settings import PROJECT_ROOT
from sources.synthetic.targets import SCALES


def test_demo_generates_refreshes_and_prints_cla_at_date_for_the_latest_period(tmp_path):
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("CSDW_") and name != "DAGSTER_HOME"
    }
    environment |= {"CSDW_LANDING_DIR": str(tmp_path / "landing"), "CSDW_WAREHOUSE": str(tmp_path / "csdw.duckdb")}

    demo = subprocess.run(
        [str(Path(sys.executable).with_name("csdw")), "demo"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=environment,
    )

    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "Using the demo pseudonymisation key" in demo.stdout
    [measure_row] = [line for line in demo.stdout.splitlines() if "cla_at_date" in line and "2025-03-31" in line]
    la_code, measure, period_end, value, unit = [cell.strip() for cell in measure_row.strip("│ ").split("│")][:5]
    assert (la_code, measure, period_end, unit) == (SCALES["small"].default_la, "cla_at_date", "2025-03-31", "count")
    assert float(value) > 0
    assert "SYN0" not in demo.stdout + demo.stderr, "a child identifier was printed"
    assert (tmp_path / "csdw.duckdb").exists()
    assert (tmp_path / "reports" / "performance.html").exists()
    assert "Performance report:" in demo.stdout
