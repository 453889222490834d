"""`make profile` (bench/profile.py): py-spy's recording summarised by process, project function and library, and
DuckDB's profile of the build's SQL. The large profile runs only in `make profile`; a small one in `make bench`."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench import profile, run
from orchestration.settings import PROJECT_ROOT

SITE_PACKAGES = "/venv/lib/python3.11/site-packages"


def frame(name: str, file: str) -> dict:
    return {"name": name, "file": file, "line": 1, "col": None}


def recording(frames: list[dict], profiles: list[tuple[list[int], float]]) -> dict:
    """A speedscope document as py-spy writes it: shared frames, and per thread its stacks (root first) and weights."""
    return {"shared": {"frames": frames},
            "profiles": [{"samples": [stack], "weights": [seconds]} for stack, seconds in profiles]}


def test_cpu_is_counted_by_process_innermost_project_function_and_library():
    frames = [
        frame('process 10:"python -m orchestration.cli refresh --landing x"', ""),
        frame("run_refresh", str(PROJECT_ROOT / "orchestration" / "cli.py")),
        frame("check_family", str(PROJECT_ROOT / "sources" / "contracts.py")),
        frame("read_csv", f"{SITE_PACKAGES}/pandas/io/parsers.py"),
        frame("_execute", f"{SITE_PACKAGES}/sqlalchemy/engine/base.py"),
        frame('process 11:"python /venv/bin/dbt build --vars {}"', ""),
        frame("execute", f"{SITE_PACKAGES}/dbt/adapters/base.py"),
        frame('process 12:"python /venv/bin/dbt --version"', ""),
    ]
    cpu = profile.summarise_cpu(recording(frames, [
        ([0, 1, 2, 3], 0.5),   # the refresh checking a family, in pandas
        ([0, 1, 4], 0.25),     # the refresh storing an event
        ([0, 5, 6], 1.0),      # dbt's process, started by the refresh
        ([0, 7], 0.125),       # the probe, with no Python frame sampled
    ]))

    assert cpu["seconds_by_process"] == {
        "dbt build": 1.0, "refresh (Dagster, ingest, checks, exports)": 0.75, "dbt --version (dagster-dbt's probe)": 0.125}
    refresh = "refresh (Dagster, ingest, checks, exports)"
    assert cpu["seconds_by_function"][refresh] == {"sources/contracts.py:check_family": 0.5,
                                                   "orchestration/cli.py:run_refresh": 0.25}
    assert cpu["seconds_by_library"][refresh] == {"pandas": 0.5, "sqlalchemy": 0.25}
    assert cpu["seconds_by_frame"][refresh] == {"pandas/io/parsers.py:read_csv": 0.5,
                                                "sqlalchemy/engine/base.py:_execute": 0.25}
    assert cpu["seconds_by_function"]["dbt build"] == {"(none: no code of this project on the stack)": 1.0}
    assert cpu["seconds_by_library"]["dbt build"] == {"dbt": 1.0}


BUSY_CHILD = "total = 0\nfor number in range(30_000_000):\n    total += number\n"


def test_a_py_spy_recording_counts_a_child_process_as_itself(tmp_path):
    """The real format: py-spy's frame for each process, outermost first, the child's under its parent's."""
    output = tmp_path / "recording.json"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {BUSY_CHILD!r}])"
    subprocess.run([str(Path(sys.executable).with_name("py-spy")), "record", "--subprocesses", "--nonblocking",
                    "--rate", "50", "--format", "speedscope", "--output", str(output), "--", sys.executable, "-c",
                    parent], check=True, capture_output=True)

    seconds = Counter()
    for command_line, _, sampled in profile.sampled_stacks(json.loads(output.read_text())):
        seconds["child" if "total += number" in command_line and "subprocess" not in command_line else "parent"] += sampled

    assert seconds["child"] > 0.5
    assert seconds["parent"] < seconds["child"] / 5, "the parent only waits for its child"


def test_duckdb_profiles_each_statement_of_the_build_and_its_operators(small_la_refresh, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "WORK_DIR", tmp_path / "work")

    statements = profile.profile_sql("small", small_la_refresh.warehouse)

    by_node = {statement["node"]: statement for statement in statements}
    assert {statement["kind"] for statement in statements} == {"model", "test"}
    # A table's statement scans what it is built from; a view's creation plans nothing and has no operators.
    neet = by_node["fct_neet_monthly"]
    assert neet["seconds"] > 0 and neet["cpu_seconds"] > 0
    assert any(operator["operator"] == "SEQ_SCAN" and operator["rows"] > 0 for operator in neet["operators"])
    assert [operator["seconds"] for operator in neet["operators"]] == sorted(
        (operator["seconds"] for operator in neet["operators"]), reverse=True)
    assert by_node["stg_ssda903__episodes"]["operators"] == []
    assert not (tmp_path / "work" / "small" / "sql-profile").exists(), "the copy of the warehouse is removed"


@pytest.mark.slow
def test_make_profile_writes_the_profile_of_a_small_refresh(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "DATA_DIR", tmp_path / "data")
    monkeypatch.setattr(run, "WORK_DIR", tmp_path / "work")

    assert profile.main(["--scale", "small", "--out", str(tmp_path)]) == 0

    written = json.loads((tmp_path / "profile.json").read_text())
    assert written["refresh"]["seconds"] > 0 and set(written["refresh"]["stages"]) == set(run.STAGE_ORDER)
    processes = written["cpu"]["seconds_by_process"]
    assert processes["refresh (Dagster, ingest, checks, exports)"] > 1 and processes["dbt build"] > 1
    assert any(function.startswith("sources/") for function in
               written["cpu"]["seconds_by_function"]["refresh (Dagster, ingest, checks, exports)"])
    assert len(written["sql"]) > 100
    markdown = (tmp_path / "profile.md").read_text()
    assert "## The build's SQL in DuckDB" in markdown and "`fct_neet_monthly`" in markdown
    assert (tmp_path / "work" / "small" / written["recording"]).exists()
    assert not (tmp_path / "work" / "small" / "profile-1" / "warehouse").exists()
