"""`make bench`: time the nightly refresh at scale and write bench/results.md and bench/results.json (issue 9).

For each scale: the synthetic extracts (`csdw generate`, cached under bench/data/ by scale and seed), then
`csdw refresh` as a child process, so the peak memory of its whole process tree (dbt runs beside it) can be
sampled from /proc. Each refresh gets its own Dagster home, so its run is kept and the wall time of each step is
read back from the event log afterwards: nothing in the refresh itself is instrumented.

Scenarios, each `--runs` times: a full refresh into an empty warehouse folder; a no-change refresh (the same
files again) and a one-family change (a new month's CCIS file arrives) on a copy of the last full refresh's
warehouse. Then the framework overhead (the compiled dbt SQL run by DuckDB alone on a copy of that warehouse),
and the ingest micro-benchmarks (SSDA903 CSV rows per second, CIN XML MB per minute and its memory).

Run from the project folder: `python -m bench.run --scales medium,large --runs 3`.
"""

import argparse
import contextlib
import graphlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from orchestration.settings import PROJECT_ROOT
from sources.contracts import CheckSettings
from sources.families import CHECKERS
from sources.synthetic.generate import DEFAULT_REFERENCE
from sources.synthetic.targets import SCALES

BENCH_DIR = PROJECT_ROOT / "bench"
DATA_DIR = BENCH_DIR / "data"
WORK_DIR = BENCH_DIR / "work"
# Synthetic extracts only, so a throwaway key: nothing real is ever pseudonymised with it.
BENCH_KEY = "bench-only-not-secret"
SAMPLE_SECONDS = 0.1
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
CHANGED_FAMILY = "nccis"
SCENARIOS = ("full", "no-change", "one-family")
SCENARIO_LABELS = {"full": "full refresh", "no-change": "no-change refresh", "one-family": "one-family change (CCIS)"}
STAGE_ORDER = [*(f"ingest {family}" for family in CHECKERS), "dbt build", "checks", "publish", "outside the steps"]

# The targets of issue 9, for a machine of 2 cores and 24 GB.
TARGETS = {
    "large_full_seconds": 60,
    "large_peak_gb": 3,
    "region_full_seconds": 600,
    "region_peak_gb": 8,
    "overhead_ratio": 2,
    "no_change_share": 0.25,
    "ssda903_rows_per_second": 200_000,
    "cin_mb_per_minute": 50,
}


@dataclass
class Sampled:
    """A child process's wall time, the resident memory of it and its descendants over time, and its outcome."""

    seconds: float
    samples: list[tuple[float, int]]  # (epoch seconds, bytes)
    returncode: int
    stdout: str

    @property
    def peak_rss_bytes(self) -> int:
        return max((rss for _, rss in self.samples), default=0)


def run_sampled(command: list[str], env: dict[str, str], cwd: Path = PROJECT_ROOT) -> Sampled:
    """Run `command`, polling the resident memory of its process tree until it ends. Pages shared between the
    processes are counted once per process, so the peak is an upper bound."""
    if not Path("/proc/thread-self/children").exists():
        raise RuntimeError("this kernel does not list a thread's children (/proc/<pid>/task/<tid>/children): the "
                           "memory of the refresh's child processes could not be counted")
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    # A reader thread keeps the pipe drained, so a chatty child never blocks while we sample.
    reader = threading.Thread(target=lambda: output.append(process.stdout.read()), daemon=True)
    reader.start()
    samples = []
    while process.poll() is None:
        samples.append((time.time(), tree_rss_bytes(process.pid)))
        time.sleep(SAMPLE_SECONDS)
    seconds = time.perf_counter() - started
    reader.join()
    return Sampled(seconds, samples, process.returncode, "".join(output))


def tree_rss_bytes(root: int) -> int:
    """The resident memory of `root` and its descendants. The tree is walked from each thread's list of the children
    it started, not from every process's parent: reading all of /proc ten times a second took the bench about 5% of
    a core, which a refresh on two cores would feel."""
    total, frontier = 0, [root]
    while frontier:
        pid = frontier.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
            for children in Path(f"/proc/{pid}/task").glob("*/children"):
                frontier.extend(int(child) for child in children.read_text().split())
        except OSError:
            continue  # the process ended while it was read
    return total


def landing_for(scale: str, seed: int) -> tuple[Path, float | None]:
    """The scale's extracts, generated once per scale, LA and seed; the generation time when generated now."""
    landing = DATA_DIR / f"{scale}-{SCALES[scale].default_la}-seed{seed}"
    if landing.is_dir():
        return landing, None
    # Written under another name and renamed, so an interrupted generation is never taken for a finished one.
    partial = landing.with_name(f"{landing.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    print(f"Generating {scale} (seed {seed}) into {landing} ...", flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "orchestration.cli", "generate", "--scale", scale, "--seed", str(seed),
                    "--out", str(partial)], env=child_env(), cwd=PROJECT_ROOT, check=True)
    partial.rename(landing)
    return landing, time.perf_counter() - started


def link_tree(source: Path, target: Path, leave_out: set[Path] = frozenset()) -> Path:
    """A copy of a landing folder made of hard links (no data copied), without the files in `leave_out`."""
    shutil.rmtree(target, ignore_errors=True)
    for path in sorted(source.rglob("*")):
        if path.is_file() and path not in leave_out:
            (target / path.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target / path.relative_to(source))
    return target


def full_refresh_landing(scale: str, cached: Path) -> Path:
    """The extracts a full (and a no-change) refresh reads: all but the newest CCIS month, whose arrival is the
    one-family change, so that only CCIS files differ."""
    return link_tree(cached, WORK_DIR / scale / "landing", leave_out=newest_changed_family_files(cached))


def newest_changed_family_files(landing: Path) -> set[Path]:
    """The newest monthly file of the changed family in each folder (one per LA in a regional pool)."""
    folders = {path.parent for path in (landing / CHANGED_FAMILY).rglob("*.csv")}
    return {max(folder.glob("*.csv")) for folder in folders}


def child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "CSDW_PSEUDONYM_KEY": BENCH_KEY, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "GX_ANALYTICS_ENABLED": "false", **extra}
    # The child imports this worktree's code, whichever checkout the interpreter was installed from.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    return env


def refresh(scale: str, landing: Path, run_dir: Path, under: tuple[str, ...] = ()) -> dict:
    """One `csdw refresh` of `landing` into `run_dir/warehouse/`, with its own Dagster home in `run_dir`; `under` is
    a command that runs it (a profiler), whose memory is then counted with the refresh's."""
    dagster_home = run_dir / "dagster_home"
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", dagster_home / "dagster.yaml")
    warehouse = run_dir / "warehouse" / "csdw.duckdb"
    env = child_env(DAGSTER_HOME=str(dagster_home), CSDW_LA_CODE=SCALES[scale].default_la,
                    CSDW_REFERENCE_DATE=DEFAULT_REFERENCE.isoformat())
    sampled = run_sampled([*under, sys.executable, "-m", "orchestration.cli", "refresh", "--landing", str(landing),
                           "--warehouse", str(warehouse)], env)
    if sampled.returncode != 0:
        # The refresh's own summary names checks and steps, never a child's identifier.
        raise RuntimeError(f"csdw refresh exited {sampled.returncode} at {scale}:\n{sampled.stdout[-4000:]}")
    steps = step_intervals(dagster_home)
    stages = {stage: 0.0 for stage in STAGE_ORDER}
    stage_peaks = {stage: 0 for stage in STAGE_ORDER}
    for step, (start, end) in steps.items():
        stages[stage_of(step)] += end - start
        stage_peaks[stage_of(step)] = max([stage_peaks[stage_of(step)],
                                           *(rss for at, rss in sampled.samples if start <= at <= end)])
    stages["outside the steps"] = sampled.seconds - sum(end - start for start, end in steps.values())
    return {"seconds": sampled.seconds, "peak_rss_bytes": sampled.peak_rss_bytes, "stages": stages,
            "peak_rss_bytes_by_stage": stage_peaks,
            "warehouse_bytes": warehouse.stat().st_size, "rows": stage_rows(warehouse)}


def stage_of(step: str) -> str:
    if step.endswith("_raw_tables"):
        return f"ingest {step.removesuffix('_raw_tables')}"
    return {"warehouse_models": "dbt build", "published_warehouse": "publish"}.get(step, "checks")


def step_intervals(dagster_home: Path) -> dict[str, tuple[float, float]]:
    """Each step's start and end (epoch seconds) in the run kept in this Dagster home, from its events; none when
    the refresh found nothing changed and ran no job."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        runs = instance.get_runs()
        if not runs:
            return {}
        (run,) = runs
        records = instance.get_records_for_run(run.run_id, of_type={
            dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE,
        }).records
    started, intervals = {}, {}
    for record in records:
        entry = record.event_log_entry
        if entry.dagster_event.event_type == dg.DagsterEventType.STEP_START:
            started[entry.step_key] = entry.timestamp
        else:
            intervals[entry.step_key] = (started[entry.step_key], entry.timestamp)
    return intervals


def stage_rows(warehouse: Path) -> dict[str, int]:
    """The rows each stage handles: the raw rows a family loaded; all raw rows for dbt (its input); the rows the
    quality checks read (gate report); the mart rows publish exports."""
    rows = {stage: 0 for stage in STAGE_ORDER if stage != "outside the steps"}
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = connection.execute("select schema_name, table_name from duckdb_tables() "
                                    "where schema_name in ('raw', 'marts')").fetchall()
        for schema, table in tables:
            count = connection.execute(f'select count(*) from {schema}."{table}"').fetchone()[0]
            if schema == "marts":
                rows["publish"] += count
                continue
            rows["dbt build"] += count
            family = next(family for family in CHECKERS if table.startswith(f"{family}_"))
            rows[f"ingest {family}"] += count
    gate = json.loads((warehouse.parent / "reports" / "gate-latest.json").read_text())
    rows["checks"] = sum(check["metadata"].get("rows", 0) for check in gate["checks"] if check["asset"].startswith("marts"))
    return rows


def scenario_runs(scale: str, landing: Path, runs: int, name: str, start_from: Path | None,
                  keep_last_warehouse: bool = False, under: tuple[str, ...] = ()) -> list[dict]:
    """`runs` refreshes of one scenario, each kept in its own folder under bench/work/<scale>/ (its Dagster home);
    the incremental ones start from a copy of `start_from` (a full refresh's warehouse folder).

    Each refresh runs in the same folder, moved to its own afterwards: a nightly refresh writes the same warehouse
    path every night, and dbt parses the whole project again when the path it is given changes (2.3 s at large).
    A refresh's warehouse folder is deleted once it is measured, unless `keep_last_warehouse` keeps the last one
    (the one the later scenarios start from): a regional pool's is 5 GB, and nine of them filled the disk. `under`
    is a command each refresh runs under (`refresh`)."""
    results = []
    current = WORK_DIR / scale / "current"
    for number in range(1, runs + 1):
        run_dir = WORK_DIR / scale / f"{name}-{number}"
        for folder in (current, run_dir):
            shutil.rmtree(folder, ignore_errors=True)
        if start_from is not None:
            shutil.copytree(start_from, current / "warehouse")
        print(f"{scale}: {name} refresh {number} of {runs} ...", flush=True)
        results.append(refresh(scale, landing, current, under))
        if not (keep_last_warehouse and number == runs):
            shutil.rmtree(current / "warehouse")
        current.rename(run_dir)
        print(f"  {results[-1]['seconds']:.1f} s, peak {results[-1]['peak_rss_bytes'] / 1e9:.2f} GB", flush=True)
    return results


def bare_sql(scale: str, warehouse: Path) -> dict:
    """The framework overhead: every dbt model's compiled SQL (in DAG order) and every data test's, run by
    DuckDB in one connection on a copy of a refreshed warehouse (raw tables and seeds in place), no dbt or
    Dagster. Unit tests are left out: they run on fixtures, not on the warehouse."""
    folder = WORK_DIR / scale / "bare"
    seconds = {"model": 0.0, "test": 0.0}
    with compiled_build(scale, warehouse, folder) as (connection, statements):
        for node, statement in statements:
            started = time.perf_counter()
            connection.execute(statement).fetchall()
            seconds[node["resource_type"]] += time.perf_counter() - started
    kinds = [node["resource_type"] for node, _ in statements]
    return {"models_seconds": seconds["model"], "tests_seconds": seconds["test"],
            "seconds": seconds["model"] + seconds["test"], "models": kinds.count("model"), "tests": kinds.count("test")}


@contextlib.contextmanager
def compiled_build(scale: str, warehouse: Path, folder: Path):
    """A connection to a copy of `warehouse` in `folder`, and the statements of a dbt build without dbt: each
    model's and data test's compiled SQL in DAG order, with its manifest node. The folder goes afterwards."""
    from orchestration.dbt_project import DBT_EXECUTABLE, DBT_PROJECT_DIR

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    copy = folder / "build.duckdb"
    shutil.copyfile(warehouse, copy)
    dbt_vars = {"warehouse_path": str(copy), "la_code": SCALES[scale].default_la,
                "reference_date": DEFAULT_REFERENCE.isoformat()}
    subprocess.run([DBT_EXECUTABLE, "compile", "--quiet", "--profiles-dir", ".", "--target-path",
                    str(folder / "target"), "--vars", json.dumps(dbt_vars)],
                   cwd=DBT_PROJECT_DIR, env=child_env(), check=True)
    nodes = json.loads((folder / "target" / "manifest.json").read_text())["nodes"]
    chosen = {key: node for key, node in nodes.items() if node["resource_type"] in ("model", "test")}
    order = graphlib.TopologicalSorter({
        key: [parent for parent in node["depends_on"]["nodes"] if parent in chosen] for key, node in chosen.items()
    }).static_order()
    statements = []
    for key in order:
        node = chosen[key]
        if node["resource_type"] == "model":
            kind = node["config"]["materialized"]
            statements.append((node, f"create or replace {kind} {node['relation_name']} as {node['compiled_code']}"))
        else:
            statements.append((node, f"select count(*) from ({node['compiled_code']})"))
    try:
        with duckdb.connect(str(copy)) as connection:
            yield connection, statements
    finally:
        shutil.rmtree(folder)


def micro(kind: str, path: Path, la_code: str) -> dict:
    """One ingest micro-benchmark, run in this (child) process, printed as JSON for the parent. `la_code` is the
    extracts' own: under another, the CIN files are refused at their header and nothing is checked."""
    from sources import cin, ssda903
    from sources.xml_extracts import iter_elements

    settings = CheckSettings.for_extracts(DEFAULT_REFERENCE, la_code, 5.0)
    # The peak is started again here, or a higher one while importing would hide what the reading holds (where the
    # kernel lets a process do so).
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    rss_before = process_memory("VmRSS")
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    if kind == "ssda903":
        result = ssda903.check_extracts(path, BENCH_KEY.encode(), settings)
        count, size = sum(result.rows_read.values()), sum(p.stat().st_size for p in (path / "ssda903").rglob("*.csv"))
    elif kind == "cin":
        result = cin.check_extracts(path, BENCH_KEY.encode(), settings)
        count, size = sum(result.rows_read.values()), sum(p.stat().st_size for p in (path / "cin").rglob("*.xml"))
    else:  # cin-parse: the streaming parse of one file alone, nothing kept
        count, size = sum(1 for _ in iter_elements(path, ("Child",))), path.stat().st_size
    if kind != "cin-parse" and result.blocking_faults:
        raise RuntimeError(f"{kind}: the extracts were refused ({sorted({f.rule for f in result.blocking_faults})})")
    return {"rows": count, "bytes": size, "seconds": time.perf_counter() - started_wall,
            "cpu_seconds": time.process_time() - started_cpu, "rss_before_bytes": rss_before,
            "max_rss_bytes": process_memory("VmHWM")}


def process_memory(field: str) -> int:
    """This process's resident memory now (VmRSS) or at its peak (VmHWM). Not getrusage: Linux carries the
    parent's peak across the exec of a child process, so a child's ru_maxrss is never below its parent's."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(f"{field}:"))
    return int(line.split()[1]) * 1024


def run_micro(kind: str, path: Path, la_code: str) -> dict:
    sampled = run_sampled([sys.executable, "-m", "bench.run", "--micro", kind, str(path), la_code], child_env())
    if sampled.returncode != 0:
        raise RuntimeError(f"micro-benchmark {kind} failed:\n{sampled.stdout[-4000:]}")
    return json.loads(sampled.stdout.strip().splitlines()[-1])


def ingest_micro(landing: Path, la_code: str) -> dict:
    """SSDA903 CSV and CIN XML through their readers and contracts (what an ingest asset does before it writes),
    and the CIN streaming parse of the smallest and the largest file alone, to see whether memory follows size."""
    ssda903 = run_micro("ssda903", landing, la_code)
    cin = run_micro("cin", landing, la_code)
    files = sorted((landing / "cin").rglob("*.xml"), key=lambda path: path.stat().st_size)
    return {
        "ssda903": {**ssda903, "rows_per_second": ssda903["rows"] / ssda903["seconds"],
                    "rows_per_cpu_second": ssda903["rows"] / ssda903["cpu_seconds"]},
        "cin": {**cin, "mb_per_minute": cin["bytes"] / 1e6 / (cin["seconds"] / 60)},
        "cin_parse_smallest_file": run_micro("cin-parse", files[0], la_code),
        "cin_parse_largest_file": run_micro("cin-parse", files[-1], la_code),
    }


def spread(values: list[float]) -> dict:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def summarise(runs: list[dict]) -> dict:
    stages = {stage: spread([run["stages"][stage] for run in runs]) for stage in STAGE_ORDER}
    return {
        "runs": len(runs),
        "seconds": spread([run["seconds"] for run in runs]),
        "peak_rss_bytes": spread([run["peak_rss_bytes"] for run in runs]),
        "warehouse_bytes": runs[-1]["warehouse_bytes"],
        "stages": stages,
        "peak_rss_bytes_by_stage": {stage: max(run["peak_rss_bytes_by_stage"][stage] for run in runs)
                                    for stage in STAGE_ORDER},
        "rows": runs[-1]["rows"],
        "rows_per_second": {stage: rows / stages[stage]["median"] for stage, rows in runs[-1]["rows"].items()
                            if stages[stage]["median"] > 0},
    }


def bench_scale(scale: str, seed: int, runs: int, scenarios: list[str]) -> dict:
    started_at, load_average = datetime.now(timezone.utc).isoformat(timespec="seconds"), os.getloadavg()
    cached, generated_seconds = landing_for(scale, seed)
    landing = full_refresh_landing(scale, cached)
    refreshes = {"full": summarise(scenario_runs(scale, landing, runs, "full", None, keep_last_warehouse=True))}
    published = WORK_DIR / scale / f"full-{runs}" / "warehouse"
    if "no-change" in scenarios:
        refreshes["no-change"] = summarise(scenario_runs(scale, landing, runs, "no-change", published))
    if "one-family" in scenarios:
        refreshes["one-family"] = {**summarise(scenario_runs(scale, cached, runs, "one-family", published)),
                                   "family": CHANGED_FAMILY,
                                   "files_changed": len(newest_changed_family_files(cached))}
    print(f"{scale}: the compiled dbt SQL run by DuckDB alone ...", flush=True)
    bare = bare_sql(scale, published / "csdw.duckdb")
    print(f"{scale}: ingest micro-benchmarks ...", flush=True)
    micro_results = ingest_micro(cached, SCALES[scale].default_la)
    files = [path for path in cached.rglob("*") if path.is_file()]
    return {
        "measured_at": started_at,
        "commit": git_commit(),
        "runs": runs,
        "load_average_at_start": load_average,
        "seed": seed,
        "extracts": {"files": len(files), "bytes": sum(path.stat().st_size for path in files),
                     "generated_seconds": generated_seconds},
        "refreshes": refreshes,
        "bare_sql": bare,
        "ingest": micro_results,
    }


def machine() -> dict:
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal:"))
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cores": os.cpu_count(), "memory_bytes": memory_kb * 1024, "cpu": cpu, "python": platform.python_version(),
            "duckdb": duckdb.__version__}


def git_commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                          text=True).stdout.strip()


def verdicts(scales: dict) -> list[dict]:
    """Each target of issue 9, met or not, or not measured (measured None) when its scale has no results yet."""
    found = []

    def judge(target: str, measured: float | None, limit: float, at_least: bool = False) -> None:
        met = None if measured is None else measured >= limit if at_least else measured < limit
        found.append({"target": target, "measured": measured, "limit": limit, "met": met})

    for scale in ("large", "region"):
        full = scales[scale]["refreshes"]["full"] if scale in scales else None
        judge(f"{scale}: full refresh seconds (median)", full and full["seconds"]["median"],
              TARGETS[f"{scale}_full_seconds"])
        judge(f"{scale}: peak memory GB (max)", full and full["peak_rss_bytes"]["max"] / 1e9, TARGETS[f"{scale}_peak_gb"])
    if "large" in scales:
        large = scales["large"]
        full_seconds = large["refreshes"]["full"]["seconds"]["median"]
        judge("large: full refresh / bare DuckDB SQL", full_seconds / large["bare_sql"]["seconds"],
              TARGETS["overhead_ratio"])
        if "no-change" in large["refreshes"]:
            judge("large: no-change refresh / full refresh",
                  large["refreshes"]["no-change"]["seconds"]["median"] / full_seconds, TARGETS["no_change_share"])
    biggest = scales[max(scales, key=lambda scale: scales[scale]["extracts"]["bytes"])]
    judge("SSDA903 CSV rows per CPU second (contract path)", biggest["ingest"]["ssda903"]["rows_per_cpu_second"],
          TARGETS["ssda903_rows_per_second"], at_least=True)
    judge("CIN XML MB per minute (contract path)", biggest["ingest"]["cin"]["mb_per_minute"],
          TARGETS["cin_mb_per_minute"], at_least=True)
    return found


def verdict_row(verdict: dict) -> str:
    measured = "-" if verdict["measured"] is None else f"{verdict['measured']:,.2f}"
    met = {True: "met", False: "NOT met", None: "not measured"}[verdict["met"]]
    return f"| {verdict['target']} | {measured} | {verdict['limit']:,} | {met} |"


def write_results(results: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (out / "results.md").write_text(markdown(results))


def markdown(results: dict) -> str:
    gb = 1e9
    info = results["machine"]
    lines = [
        "# Benchmark results (`make bench`)",
        "",
        f"Machine: {info['cores']} cores, {info['memory_bytes'] / 2**30:.0f} GiB ({info['cpu']}), Python {info['python']}, "
        f"DuckDB {info['duckdb']}. Written by `bench/run.py`; every figure is in `results.json`.",
        "",
        "## Targets",
        "",
        "| target | measured | limit | met |",
        "|---|---|---|---|",
        *(verdict_row(verdict) for verdict in results["verdicts"]),
        "",
    ]
    for scale, figures in results["scales"].items():
        extracts = figures["extracts"]
        lines += [
            f"## {scale}",
            "",
            f"Measured {figures['measured_at']} at commit `{figures['commit']}`, {figures['runs']} run(s) of each "
            f"scenario, load average at start {', '.join(f'{load:.1f}' for load in figures['load_average_at_start'])}.",
            "",
            f"Extracts: {extracts['files']:,} files, {extracts['bytes'] / 1e6:,.0f} MB (seed {figures['seed']}). "
            f"Published warehouse: {figures['refreshes']['full']['warehouse_bytes'] / 1e6:,.0f} MB."
            + (f" Timed without the {', '.join(figures['families_left_out'])} extracts (bench/notes.md)."
               if figures.get("families_left_out") else ""),
            "",
            "| scenario | seconds min / median / max | peak RSS GB (max) |",
            "|---|---|---|",
        ]
        refreshes = figures["refreshes"]
        for name, scenario in refreshes.items():
            seconds = scenario["seconds"]
            lines.append(f"| {SCENARIO_LABELS[name]} | {seconds['min']:.1f} / {seconds['median']:.1f} / "
                         f"{seconds['max']:.1f} | {scenario['peak_rss_bytes']['max'] / gb:.2f} |")
        full = refreshes["full"]
        lines += [
            "",
            "By stage (median seconds); rows are what the stage handles in the full refresh: raw rows loaded (ingest),"
            " all raw rows (dbt build), rows the quality checks read, mart rows (publish exports them):",
            "",
            f"| stage | {' | '.join(SCENARIO_LABELS[name] for name in refreshes)} | rows | rows/s (full) "
            "| peak RSS GB (full) |",
            f"|---|{'---|' * len(refreshes)}---|---|---|",
        ]
        for stage in STAGE_ORDER:
            rows = full["rows"].get(stage)
            rate = full["rows_per_second"].get(stage)
            medians = " | ".join(f"{scenario['stages'][stage]['median']:.1f}" for scenario in refreshes.values())
            # Figures measured before the harness sampled memory by stage have none.
            peak = full.get("peak_rss_bytes_by_stage", {}).get(stage)
            lines.append(f"| {stage} | {medians} | {'' if rows is None else f'{rows:,}'} | "
                         f"{'' if rate is None else f'{rate:,.0f}'} | {'' if not peak else f'{peak / gb:.2f}'} |")
        bare = figures["bare_sql"]
        ingest = figures["ingest"]
        lines += [
            "",
            f"Bare DuckDB: the compiled SQL of {bare['models']} models and {bare['tests']} data tests in one connection "
            f"took {bare['seconds']:.1f} s (models {bare['models_seconds']:.1f} s, tests {bare['tests_seconds']:.1f} s): "
            f"the full refresh is {full['seconds']['median'] / bare['seconds']:.1f}x that, dbt build alone "
            f"{full['stages']['dbt build']['median'] / bare['seconds']:.1f}x.",
            "",
            f"Ingest micro-benchmarks (reader + contract + pseudonymisation, no DuckDB write): SSDA903 CSV "
            f"{ingest['ssda903']['rows']:,} rows in {ingest['ssda903']['seconds']:.1f} s "
            f"({ingest['ssda903']['rows_per_second']:,.0f} rows/s; {ingest['ssda903']['rows_per_cpu_second']:,.0f} per "
            f"CPU second); CIN XML {ingest['cin']['bytes'] / 1e6:,.0f} MB in {ingest['cin']['seconds']:.1f} s "
            f"({ingest['cin']['mb_per_minute']:,.1f} MB/min, peak RSS {ingest['cin']['max_rss_bytes'] / gb:.2f} GB). "
            "Streaming parse alone (peak RSS above the imports): "
            + ", ".join(f"{parse['bytes'] / 1e6:.1f} MB file {(parse['max_rss_bytes'] - parse['rss_before_bytes']) / 1e6:.0f} MB"
                        for parse in (ingest["cin_parse_smallest_file"], ingest["cin_parse_largest_file"])) + ".",
            "",
        ]
    notes = BENCH_DIR / "notes.md"
    if notes.exists():
        lines += [notes.read_text()]
    profile = BENCH_DIR / "profile.md"
    if profile.exists():
        # `make profile`'s last profile, its headings a level down, under this page's title.
        lines += ["#" + line if line.startswith("#") else line for line in profile.read_text().splitlines()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="medium,large,region", help="comma-separated scales")
    parser.add_argument("--runs", type=int, default=3, help="refreshes of each scenario")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS),
                        help="refresh scenarios (the full refresh always runs: the others start from it)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="folder for results.md and results.json")
    parser.add_argument("--micro", nargs=3, metavar=("KIND", "PATH", "LA"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.micro:
        print(json.dumps(micro(args.micro[0], Path(args.micro[1]), args.micro[2])))
        return 0
    scales = [scale.strip() for scale in args.scales.split(",") if scale.strip()]
    scenarios = [scenario.strip() for scenario in args.scenarios.split(",") if scenario.strip()]
    for chosen, known, what in ((scales, SCALES, "scale"), (scenarios, SCENARIOS, "scenario")):
        unknown = set(chosen) - set(known)
        if unknown:
            parser.error(f"unknown {what}(s) {', '.join(sorted(unknown))}: choose from {', '.join(known)}")
    # Scales not run this time keep their figures from the last results, so one scale can be re-measured alone.
    previous = args.out / "results.json"
    kept = json.loads(previous.read_text())["scales"] if previous.exists() else {}
    results = {"machine": machine(), "targets": TARGETS, "scales": kept}
    for scale in scales:
        results["scales"][scale] = bench_scale(scale, args.seed, args.runs, scenarios)
        results["verdicts"] = verdicts(results["scales"])
        # Written after every scale, so a long run that is stopped keeps what it measured.
        write_results(results, args.out)
    print(f"Wrote {args.out / 'results.md'} and {args.out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
