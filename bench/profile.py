"""`make profile`: where a full refresh's time goes, for the targets `bench/results.md` marks not met (issue 9).

Two profiles of one scale (large by default), written to bench/profile.md and bench/profile.json:
- the CPU of one full refresh and every process it starts (dbt, the XML reading workers), sampled by py-spy: the
  seconds of each process, and within it of this project's functions, of Python frames and of libraries;
- the DuckDB profile of the dbt build's SQL, run without dbt on a copy of that refresh's warehouse as the bench's
  bare SQL is: the slowest models and tests, and the operators they spend their time in.

py-spy's own recording is kept in bench/work/<scale>/ for a flame graph (in speedscope's format). It names
functions, files and command lines, never a value: no identifier is in it.

Run from the project folder: `python -m bench.profile --scale large`.
"""

import argparse
import json
import shutil
import sys
import sysconfig
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from bench import run
from orchestration.settings import PROJECT_ROOT
from sources.synthetic.targets import SCALES

SAMPLES_PER_SECOND = 50
TOP = 20
OPERATORS_KEPT = 5
# Lines under this many sampled seconds (a few samples) are left out of the tables.
SHOWN_SECONDS = 0.05
PROJECT_FOLDERS = ("orchestration", "sources", "expectations", "bench")
STDLIB = Path(sysconfig.get_paths()["stdlib"])
NO_PROJECT_CODE = "(none: no code of this project on the stack)"
# Each process's sampled seconds are summed three ways (`summarise_cpu`), with the heading each has in profile.md.
CPU_PARTS = {
    "function": "The innermost function of this project's code on the stack, with the library calls it made",
    "frame": "The innermost Python frame (a C extension's call counts at its caller)",
    "library": "The library of the innermost Python frame",
}


def is_process_frame(frame: dict) -> bool:
    """py-spy starts each stack with a frame per process: the one it started, down to the sampled one."""
    return frame["file"] == "" and frame["name"].startswith("process ")


def process_role(command_line: str) -> str:
    """What a sampled process is, from its command line (the names the notes use)."""
    if "orchestration.cli" in command_line:
        return "refresh (Dagster, ingest, checks, exports)"
    if "multiprocessing" in command_line:
        return "XML reading workers and their fork server"
    if "dbt" in command_line and "--version" in command_line:
        return "dbt --version (dagster-dbt's probe)"
    if "dbt" in command_line:
        return "dbt build"
    return "other"


def project_function(frame: dict) -> str | None:
    """`folder/module.py:function` for a frame of this project's code, None for any other."""
    path = Path(frame["file"])
    if not path.is_absolute() or not path.is_relative_to(PROJECT_ROOT):
        return None
    relative = path.relative_to(PROJECT_ROOT)
    if relative.parts[0] not in PROJECT_FOLDERS:
        return None
    return f"{relative}:{frame['name']}"


def library_of(frame: dict) -> str:
    """The package a frame's code belongs to: a site-packages distribution, the standard library or this project."""
    path = frame["file"]
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if path.startswith("<frozen"):
        return "python (importing)"
    if project_function(frame):
        return "csdw (this project)"
    if Path(path).is_relative_to(STDLIB):
        return "python standard library"
    return "other"


def sampled_stacks(recording: dict) -> Iterator[tuple[str, list[dict], float]]:
    """Each sample of a py-spy speedscope recording (`--subprocesses`): the sampled process's command line, its
    Python frames (outermost first) and the seconds the sample stands for."""
    frames = recording["shared"]["frames"]
    for thread in recording["profiles"]:
        for stack, seconds in zip(thread["samples"], thread["weights"]):
            named = [frames[index] for index in stack]
            processes = [frame["name"] for frame in named if is_process_frame(frame)]
            yield processes[-1], [frame for frame in named if not is_process_frame(frame)], seconds


def summarise_cpu(recording: dict) -> dict:
    """Sampled seconds from a py-spy speedscope recording (`--subprocesses`), by process, and within each process
    by the innermost function of this project's code on the stack (with the library calls it made), by the innermost
    Python frame and by that frame's library. Time in a C extension's call (DuckDB, Arrow, lxml) counts at the
    Python frame that made it: DuckDB's work for dbt is at dbt's `execute`."""
    by_process, by_part = Counter(), {part: defaultdict(Counter) for part in CPU_PARTS}
    for command_line, code, seconds in sampled_stacks(recording):
        role = process_role(command_line)
        by_process[role] += seconds
        ours = [function for function in map(project_function, code) if function]
        by_part["function"][role][ours[-1] if ours else NO_PROJECT_CODE] += seconds
        if code:
            by_part["frame"][role][frame_label(code[-1])] += seconds
            by_part["library"][role][library_of(code[-1])] += seconds
    return {
        "seconds_by_process": dict(by_process.most_common()),
        **{f"seconds_by_{part}": {role: dict(counts.most_common(TOP)) for role, counts in by_part[part].items()}
           for part in CPU_PARTS},
    }


def frame_label(frame: dict) -> str:
    """A frame's file, from its package (or this project's folder) down, and its function."""
    path = Path(frame["file"])
    for root in (PROJECT_ROOT, STDLIB):
        if path.is_absolute() and path.is_relative_to(root):
            path = path.relative_to(root)
    return f"{str(path).split('site-packages/')[-1]}:{frame['name']}"


def profile_sql(scale: str, warehouse: Path) -> list[dict]:
    """DuckDB's own profile of each statement of the dbt build run without dbt (models and data tests in DAG
    order) on a copy of `warehouse`: its wall and CPU seconds, and its operators by time."""
    folder = run.WORK_DIR / scale / "sql-profile"
    profiles = []
    with run.compiled_build(scale, warehouse, folder) as (connection, statements):
        output = folder / "statement-profile.json"
        connection.execute("set enable_profiling = 'json'")
        connection.execute(f"set profiling_output = '{output}'")
        for node, statement in statements:
            output.unlink(missing_ok=True)
            started = time.perf_counter()
            connection.execute(statement).fetchall()
            seconds = time.perf_counter() - started
            # A view's creation plans nothing to run, and DuckDB writes no profile for it.
            tree = json.loads(output.read_text()) if output.exists() else {"cpu_time": 0.0, "children": []}
            profiles.append({"node": node["name"], "kind": node["resource_type"], "seconds": seconds,
                             "cpu_seconds": tree["cpu_time"], "operators": operators_by_time(tree)[:OPERATORS_KEPT]})
    return profiles


def operators_by_time(tree: dict) -> list[dict]:
    """A statement's operators from DuckDB's JSON profile, the most time first: each with its own time (summed
    over DuckDB's threads), the rows it gave out, and the table it scans. The profile keeps the costliest few."""
    operators, frontier = [], list(tree["children"])
    while frontier:
        node = frontier.pop()
        frontier.extend(node.get("children", []))
        operators.append({"operator": node["operator_name"], "seconds": node["operator_timing"],
                          "rows": node["operator_cardinality"], "table": node.get("extra_info", {}).get("Table")})
    return sorted(operators, key=lambda operator: -operator["seconds"])


def profile_scale(scale: str, seed: int) -> dict:
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        raise SystemExit(f"py-spy is not installed beside {sys.executable}: `make install` installs it")
    cached, _ = run.landing_for(scale, seed)
    landing = run.full_refresh_landing(scale, cached)
    recording = run.WORK_DIR / scale / "profile.speedscope.json"
    recording.parent.mkdir(parents=True, exist_ok=True)
    under = (str(spy), "record", "--subprocesses", "--nonblocking", "--rate", str(SAMPLES_PER_SECOND),
             "--format", "speedscope", "--output", str(recording), "--")
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    (refreshed,) = run.scenario_runs(scale, landing, 1, "profile", None, keep_last_warehouse=True, under=under)
    print(f"{scale}: DuckDB's profile of the build's SQL ...", flush=True)
    warehouse = run.WORK_DIR / scale / "profile-1" / "warehouse"
    statements = profile_sql(scale, warehouse / "csdw.duckdb")
    shutil.rmtree(warehouse)
    return {
        "scale": scale, "seed": seed, "measured_at": started_at, "commit": run.git_commit(), "machine": run.machine(),
        "samples_per_second": SAMPLES_PER_SECOND, "recording": recording.name,
        "refresh": {key: refreshed[key] for key in ("seconds", "peak_rss_bytes", "stages")},
        "cpu": summarise_cpu(json.loads(recording.read_text())),
        "sql": statements,
    }


def markdown(profile: dict) -> str:
    cpu, sql, refresh = profile["cpu"], profile["sql"], profile["refresh"]
    lines = [
        f"# Where a {profile['scale']} full refresh's time goes (`make profile`)",
        "",
        f"Measured {profile['measured_at']} at commit `{profile['commit']}` on {profile['machine']['cores']} cores, "
        f"seed {profile['seed']}. Written by `bench/profile.py`; every figure is in `profile.json`. `results.md` "
        "ends with this page: it is the profile that the bench's targets not met call for.",
        "",
        f"## One full refresh under py-spy ({profile['samples_per_second']} samples a second)",
        "",
        f"{refresh['seconds']:.1f} s of wall time (py-spy's sampling slows it a little), peak "
        f"{refresh['peak_rss_bytes'] / 1e9:.2f} GB. Its steps, in seconds: "
        + ", ".join(f"{stage} {refresh['stages'][stage]:.1f}" for stage in run.STAGE_ORDER) + ". Unless the "
        "refresh before it on this machine had the same warehouse path, as a nightly one has, dbt parsed the whole "
        "project again (`parse_manifest` in dbt's process).",
        "",
        "Sampled CPU seconds of each process (a process waiting is not sampled):",
        "",
        "| process | CPU s |",
        "|---|---|",
        *(f"| {role} | {seconds:.1f} |" for role, seconds in shown(cpu["seconds_by_process"])),
        f"| all | {sum(cpu['seconds_by_process'].values()):.1f} |",
        "",
    ]
    for role, _ in shown(cpu["seconds_by_process"]):
        lines += [f"### {role}", ""]
        for part, heading in CPU_PARTS.items():
            rows = shown(cpu[f"seconds_by_{part}"][role])
            if [name for name, _ in rows] == [NO_PROJECT_CODE]:
                continue  # dbt's processes run none of this project's Python
            lines += [f"{heading}:", "", f"| {part} | CPU s |", "|---|---|",
                      *(f"| `{name}` | {seconds:.1f} |" for name, seconds in rows), ""]
    operator_seconds = Counter()
    for statement in sql:
        for operator in statement["operators"]:
            operator_seconds[operator["operator"]] += operator["seconds"]
    slowest = sorted(sql, key=lambda statement: -statement["seconds"])[:TOP]
    lines += [
        "## The build's SQL in DuckDB (its JSON profile)",
        "",
        f"The compiled SQL of {sum(s['kind'] == 'model' for s in sql)} models and "
        f"{sum(s['kind'] == 'test' for s in sql)} data tests in one connection, without dbt, on a copy of the "
        f"refresh's warehouse: {sum(s['seconds'] for s in sql):.1f} s of wall time, "
        f"{sum(s['cpu_seconds'] for s in sql):.1f} s of CPU over DuckDB's threads.",
        "",
        f"The {len(slowest)} slowest statements, each with its three costliest operators (CPU seconds, rows out):",
        "",
        "| statement | kind | wall s | CPU s | costliest operators |",
        "|---|---|---|---|---|",
        *(f"| `{s['node']}` | {s['kind']} | {s['seconds']:.2f} | {s['cpu_seconds']:.2f} | "
          + "; ".join(operator_label(operator) for operator in s["operators"][:3]) + " |" for s in slowest),
        "",
        "CPU seconds by operator over every statement (its costliest five operators):",
        "",
        "| operator | CPU s |",
        "|---|---|",
        *(f"| {operator} | {seconds:.1f} |" for operator, seconds in shown(dict(operator_seconds.most_common()))),
        "",
    ]
    return "\n".join(lines)


def shown(seconds_by_name: dict[str, float]) -> list[tuple[str, float]]:
    return [(name, seconds) for name, seconds in seconds_by_name.items() if seconds >= SHOWN_SECONDS]


def operator_label(operator: dict) -> str:
    table = f" `{operator['table']}`" if operator["table"] else ""
    return f"{operator['operator']}{table} {operator['seconds']:.2f} s, {operator['rows']:,} rows"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large", choices=list(SCALES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=run.BENCH_DIR, help="folder for profile.md and profile.json")
    args = parser.parse_args(argv)
    profile = profile_scale(args.scale, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "profile.json").write_text(json.dumps(profile, indent=2) + "\n")
    (args.out / "profile.md").write_text(markdown(profile))
    print(f"Wrote {args.out / 'profile.md'} and {args.out / 'profile.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
