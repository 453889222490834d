"""`csdw`: the command line of DESIGN.md's contract."""

import argparse
import atexit
import contextlib
import json
import os
import shutil
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

import duckdb
from rich.console import Console
from rich.table import Table

from orchestration.settings import DEFAULT_LANDING_DIR, Settings

EXIT_PUBLISHED, EXIT_ERROR, EXIT_BLOCKED = 0, 1, 2
# The warehouse was swapped in, then a later step (the exports) failed: live, but not everything was written.
PUBLISHED_EXPORTS_FAILED = "published_exports_failed"
GATE_ERRORS = {"ContractViolation", "DagsterAssetCheckFailedError"}
DEMO_KEY = "demo-only-not-secret"
DEMO_REFERENCE_DATE = date(2025, 3, 31)
DEMO_SCALE = "small"

# At least 160 columns, so the measures table keeps whole measure ids and dates when the output is a log
# file or a pipe (rich would otherwise squeeze it into 80).
console = Console(highlight=False, soft_wrap=True, width=max(160, shutil.get_terminal_size((160, 24)).columns))


@dataclass
class RefreshOutcome:
    exit_code: int
    published: bool = False
    reasons: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    passed_checks: int = 0
    report: Path | None = None
    # The refresh that published the warehouse, when nothing has changed since and this one did nothing.
    unchanged_since: str | None = None

    @property
    def report_page(self) -> Path:
        """The gate report for people, beside the JSON one."""
        return self.report.with_suffix(".html")


def _dagster_instance():
    import dagster as dg

    home = os.environ.get("DAGSTER_HOME")
    if home:
        Path(home).mkdir(parents=True, exist_ok=True)
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def run_refresh(settings: Settings, full: bool = False) -> RefreshOutcome:
    """Run the refresh job in this process and say whether it published, was blocked by a gate, failed, or had
    nothing to do.

    Only the extract families whose files have changed since the last publish are reloaded, and only what is built
    from them is rebuilt (orchestration/refresh_inputs.py); everything is when the code, the settings or the
    libraries have changed, when the last exports failed, or with `full`. A line is printed as each step makes
    progress (orchestration/progress.py). Dagster's console log and the dbt output dagster-dbt echoes to stdout
    are kept off the terminal: the UI shows the former, and dbt's log of the latest refresh is
    dbt_project/target/refresh/dbt.log."""
    # Imported here, not with the module: each worker that reads XML returns imports the program's main module,
    # this one under `csdw`, and needs none of Dagster (about 2 s a worker).
    import dagster as dg

    from orchestration.definitions import build_definitions
    from orchestration.progress import RefreshProgress
    from orchestration.publish import published_warehouse
    from orchestration.refresh_inputs import as_tags, changed_families, current_inputs, published_inputs
    from orchestration.refresh_record import last_status, record_refresh, record_unchanged
    from orchestration.resources import Warehouse
    from sources.families import CHECKERS
    from sources.pseudonymise import MissingPseudonymKey

    started = datetime.now()
    warehouse = Warehouse(published_path=str(settings.warehouse_path))
    try:
        inputs = current_inputs(settings)
    except MissingPseudonymKey:
        # Nothing can be compared without the key, and nothing loaded: the ingest steps say so in the usual way.
        inputs = {}
    published, published_by = published_inputs(warehouse)
    changed = changed_families(inputs, published)
    if full or last_status(warehouse) == PUBLISHED_EXPORTS_FAILED:
        changed = list(CHECKERS)
    if not changed:
        record_unchanged(warehouse, started, datetime.now())
        return RefreshOutcome(EXIT_PUBLISHED, unchanged_since=published_by)
    definitions = build_definitions(settings)
    selection = None
    if len(changed) < len(CHECKERS):
        console.print(f"Changed since the last publish: {', '.join(changed)}. The other families, and what is built "
                      "from them alone, stay as published.")
        groups = dg.AssetSelection.groups(*(f"ingest_{family}" for family in changed))
        selection = list(groups.downstream().resolve(definitions.resolve_asset_graph()))
    job = definitions.resolve_job_def("refresh")
    # Step failures are summarised below in plain words; Dagster's own stack traces would bury them.
    quiet = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    run_id = str(uuid.uuid4())
    with _dagster_instance() as instance, open(os.devnull, "w") as devnull:
        instance.add_event_listener(run_id, RefreshProgress(sys.stdout))
        with contextlib.redirect_stdout(devnull):
            result = job.execute_in_process(instance=instance, run_id=run_id, raise_on_error=False, run_config=quiet,
                                            asset_selection=selection, tags=as_tags(inputs))
    evaluations = result.get_asset_check_evaluations()
    failed_checks = [
        f"{evaluation.asset_key.to_user_string()}: {evaluation.check_name} {_check_detail(evaluation.metadata)}"
        for evaluation in evaluations
        if not evaluation.passed
    ]
    published = any(event.asset_key == published_warehouse.key for event in result.get_asset_materialization_events())
    outcome = RefreshOutcome(EXIT_PUBLISHED, published=published, failed_checks=failed_checks,
                             passed_checks=sum(evaluation.passed for evaluation in evaluations))
    if not result.success:
        error_classes = set()
        for event in result.all_events:
            if event.is_step_failure:
                error = _root_error(event.step_failure_data.error)
                error_classes.add(error.cls_name)
                outcome.failed_steps.append(f"{event.step_key} ({error.cls_name})")
                outcome.reasons.append(f"step {event.step_key}: {error.message.strip()}")
                if error.cls_name not in GATE_ERRORS:
                    outcome.reasons.append("".join(error.stack).rstrip())
        # A failed warning check publishes; only an error-severity check (or a broken contract) blocks, so a
        # warning beside an unrelated crash still reads as the crash it is.
        failed_gate = any(not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
                          for evaluation in evaluations)
        blocked = failed_gate or bool(error_classes & GATE_ERRORS)
        # Once swapped in, the warehouse is live whatever fails after it: that is never "blocked".
        outcome.exit_code = EXIT_BLOCKED if blocked and not published else EXIT_ERROR
    status = {EXIT_PUBLISHED: "published", EXIT_BLOCKED: "blocked", EXIT_ERROR: "failed"}[outcome.exit_code]
    if outcome.exit_code == EXIT_ERROR and published:
        status = PUBLISHED_EXPORTS_FAILED
    outcome.report = record_refresh(warehouse, result, started, datetime.now(), status, outcome.reasons)
    return outcome


def _root_error(error):
    while error.cause is not None:
        error = error.cause
    return error


def _check_detail(metadata) -> str:
    shown = {name: value.value for name, value in metadata.items() if name in ("failed", "faults", "rules_broken")}
    return json.dumps(shown, default=str) if shown else ""


def refresh(settings: Settings, full: bool = False) -> int:
    console.print(f"Refreshing from [bold]{settings.landing_dir}[/]: ingest, dbt build, quality gates, publish ...")
    outcome = run_refresh(settings, full)
    if outcome.unchanged_since:
        console.print(f"[green]Unchanged[/]: the extracts, code and settings are those refresh {outcome.unchanged_since} "
                      f"published {settings.warehouse_path} from, so it stands as it is (`csdw refresh --full` "
                      "rebuilds it anyway).")
        warn_stale_extracts(settings)
        return EXIT_PUBLISHED
    if outcome.exit_code == EXIT_PUBLISHED:
        console.print(f"[green]Published[/] {settings.warehouse_path} ({outcome.passed_checks} checks passed; "
                      f"gate report {outcome.report_page})")
        return EXIT_PUBLISHED
    if outcome.published:
        from orchestration.exports import Exports
        from orchestration.resources import Warehouse

        exports = Exports().folder(Warehouse(published_path=str(settings.warehouse_path)))
        console.print(f"[red]Exports FAILED[/] after the publish: {settings.warehouse_path} IS published (live: "
                      f"analysts and dashboards read this refresh), but {exports} was not rewritten. Fix the cause "
                      "below, then refresh again.")
    else:
        verdict = "BLOCKED by a quality gate" if outcome.exit_code == EXIT_BLOCKED else "FAILED"
        console.print(f"[red]Refresh {verdict}[/]: nothing was published; {settings.warehouse_path} is unchanged.")
    for check in outcome.failed_checks:
        console.print(f"  failed check: {check}")
    for reason in outcome.reasons:
        console.print(f"  {reason}")
    console.print(f"Gate report (every check, what failed and how many rows): {outcome.report_page}")
    send_alert(outcome)
    return outcome.exit_code


def warn_stale_extracts(settings: Settings) -> None:
    """The freshness checks' warnings, for a refresh that ran no step: an unchanged extract is an old one."""
    from orchestration.freshness import newest_file_age_days

    for family, max_age_days in settings.max_age_days.items():
        _, age_days = newest_file_age_days(settings.landing_dir, family)
        if age_days is not None and age_days > max_age_days:
            console.print(f"[yellow]Warning[/]: the newest {family} extract is {age_days:.1f} days old "
                          f"({max_age_days:g} allowed): is its system still sending?")


def send_alert(outcome: RefreshOutcome) -> None:
    """Tell the configured alert channel (orchestration/alerts.py) that this refresh did not publish, or published
    and then failed: the failed checks with their counts and the failed steps, from the gate report, and nothing
    else."""
    from orchestration.alerts import AlertChannel, refresh_notice

    report = json.loads(outcome.report.read_text())
    failed = [check for check in report["checks"] if not check["passed"]]
    subject, text = refresh_notice(report["status"], "refresh", report["refresh_id"], failed, outcome.failed_steps)
    try:
        channel = AlertChannel.from_env()
        if channel is not None:
            channel.send(subject, text)
    except (OSError, ValueError) as error:
        # The refresh's own outcome (exit code, gate report) stands whether or not the alert got through. A refused
        # configuration (ValueError) or an unreachable relay (OSError) is said; neither message holds a secret.
        console.print(f"[yellow]The alert could not be sent[/]: {type(error).__name__}: {error}")


def rollback(settings: Settings) -> int:
    from orchestration.resources import NothingToRollBack, Warehouse

    warehouse = Warehouse(published_path=str(settings.warehouse_path))
    try:
        warehouse.rollback()
    except NothingToRollBack as error:
        console.print(f"[red]Nothing to roll back[/]: {error}")
        return EXIT_ERROR
    console.print(f"Rolled back: {warehouse.published} is the previous publish again "
                  f"(the one replaced is kept as {warehouse.previous}).")
    return EXIT_PUBLISHED


def validate(settings: Settings) -> int:
    from orchestration.validate import validate_landing
    from sources.contracts import CheckSettings

    check_settings = CheckSettings.for_extracts(settings.reference_date, settings.la_code, settings.max_rejected_percent)
    return validate_landing(settings.landing_dir, check_settings, console)


def latest_measures(warehouse: Path, period: date | None = None) -> list[dict]:
    """The published measures at `period` (default: the latest period end), breakdown 'all', beside DfE's published
    figures for that date (England, the LA's region, its statistical neighbours' mean); None where DfE has none."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            """
            select
                measure_values.la_code, measure_values.measure_id, measure_values.period_end,
                measure_values.period_type, measure_values.numerator, measure_values.denominator,
                measure_values.value, measure_values.unit,
                benchmarks.england_value, benchmarks.region_value, benchmarks.statistical_neighbours_value
            from marts.measure_values
            left join marts.measure_benchmarks as benchmarks
                on benchmarks.la_code = measure_values.la_code
                and benchmarks.measure_id = measure_values.measure_id
                and benchmarks.year_end = measure_values.period_end
            where measure_values.breakdown = 'all'
              and measure_values.period_end = coalesce(?, (select max(period_end) from marts.measure_values))
            order by measure_values.measure_id, measure_values.la_code
            """,
            [period],
        ).fetchall()
        columns = [description[0] for description in connection.description]
    return [dict(zip(columns, row)) for row in rows]


def print_measures(rows: list[dict], output_format: str) -> None:
    if output_format == "json":
        print(json.dumps(rows, default=str, indent=2))
    elif output_format == "csv":
        print(",".join(rows[0]) if rows else "")
        for row in rows:
            print(",".join("" if value is None else str(value) for value in row.values()))
    else:
        def number(value: float | None) -> str:
            return "" if value is None else f"{value:g}"

        table = Table("la_code", "measure_id", "period_end", "value", "unit", "England", "region",
                      "statistical neighbours")
        for row in rows:
            table.add_row(row["la_code"], row["measure_id"], str(row["period_end"]), number(row["value"]), row["unit"],
                          number(row["england_value"]), number(row["region_value"]),
                          number(row["statistical_neighbours_value"]))
        console.print(table)


def demo() -> int:
    """Generate a synthetic LA into the landing folder, refresh, and print the headline measures."""
    from sources.synthetic.generate import FAMILIES
    from sources.synthetic.generate import generate as generate_extracts
    from orchestration.report import write_report
    from orchestration.resources import Warehouse
    from sources.synthetic.targets import SCALES

    if not os.environ.get("CSDW_PSEUDONYM_KEY"):
        os.environ["CSDW_PSEUDONYM_KEY"] = DEMO_KEY
        console.print("Using the demo pseudonymisation key (set CSDW_PSEUDONYM_KEY for real extracts).")
    # Without an LA of the user's, the synthetic LA is the small scale's LA, at England's rates.
    chosen_la = os.environ.get("CSDW_LA_CODE")
    os.environ.setdefault("CSDW_LA_CODE", SCALES[DEMO_SCALE].default_la)
    os.environ.setdefault("CSDW_REFERENCE_DATE", DEMO_REFERENCE_DATE.isoformat())
    settings = Settings.from_env()
    landing = settings.landing_dir
    if landing == DEFAULT_LANDING_DIR:
        for family in FAMILIES:
            shutil.rmtree(landing / family, ignore_errors=True)
    elif landing.exists() and any(landing.iterdir()):
        console.print(f"[red]{landing} is not empty[/]: the demo writes a synthetic LA into an empty landing folder.")
        return EXIT_ERROR
    console.print(f"Generating a {DEMO_SCALE} synthetic LA (every extract family) into {landing} ...")
    generate_extracts(landing, DEMO_SCALE, seed=1, la_code=chosen_la, reference=settings.reference_date)
    exit_code = refresh(settings)
    if exit_code != EXIT_PUBLISHED:
        return exit_code
    console.print("\nHeadline measures at the latest period:")
    print_measures(latest_measures(settings.warehouse_path), "table")
    warehouse = Warehouse(published_path=str(settings.warehouse_path))
    report = write_report(warehouse, None, settings.la_code)
    print(
        f"\nPublished warehouse: {settings.warehouse_path} (open it read-only with DuckDB; see README)\n"
        f"Performance report: {report}\n"
        f"Exports:            {warehouse.published.parent / 'exports'}\n"
        f"Gate report:        {warehouse.reports / 'gate-latest.html'}\n"
        "All measures:       .venv/bin/csdw measures --format csv\n"
        "Dagster UI:         make dev, then open http://127.0.0.1:3000"
    )
    return EXIT_PUBLISHED


def generate(args: argparse.Namespace) -> int:
    """Write synthetic extracts of every family (`sources/synthetic/generate.py`)."""
    from sources.synthetic.generate import DEFAULT_REFERENCE
    from sources.synthetic.generate import generate as generate_extracts

    las = generate_extracts(args.out, args.scale, args.seed, la_code=args.la, defects=args.defects,
                            reference=args.reference_date or DEFAULT_REFERENCE)
    console.print(f"Generated {len(las)} LA(s) into {args.out}" + (" with defects" if args.defects else ""))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="csdw", description="Children's services data warehouse.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="generate a synthetic LA, refresh, print the headline measures")
    refresh_parser = commands.add_parser("refresh", help="ingest what has changed, build, audit and publish (exit 0 published or unchanged, 2 blocked)")
    refresh_parser.add_argument("--landing", help="landing folder (default CSDW_LANDING_DIR or sources/landing)")
    refresh_parser.add_argument("--warehouse", help="published DuckDB file (default CSDW_WAREHOUSE)")
    refresh_parser.add_argument("--full", action="store_true",
                                help="reload every extract family and rebuild everything, even if nothing has changed")
    rollback_parser = commands.add_parser("rollback", help="put the previous publish back (and keep the current as previous)")
    rollback_parser.add_argument("--warehouse", help="published DuckDB file (default CSDW_WAREHOUSE)")
    validate_parser = commands.add_parser("validate", help="check extracts against the contracts without loading")
    validate_parser.add_argument("landing", nargs="?", help="landing folder (default CSDW_LANDING_DIR)")
    generate_parser = commands.add_parser("generate", help="synthetic extracts of every family in the real formats")
    generate_parser.add_argument("--scale", choices=["small", "medium", "large", "region"], default="small")
    generate_parser.add_argument("--seed", type=int, default=1, help="same seed, byte-identical files")
    generate_parser.add_argument("--out", type=Path, required=True, help="output folder (the landing layout)")
    generate_parser.add_argument("--la", help="old 3-digit LA code: its population and published rates")
    generate_parser.add_argument("--defects", action="store_true", help="inject faults, list them in a manifest")
    generate_parser.add_argument("--reference-date", type=date.fromisoformat, help="end of the data (YYYY-MM-DD)")
    measures_parser = commands.add_parser("measures", help="the published measures")
    measures_parser.add_argument("--period", type=date.fromisoformat, help="period end YYYY-MM-DD (default latest)")
    measures_parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
    measures_parser.add_argument("--warehouse", help="published DuckDB file (default CSDW_WAREHOUSE)")
    report_parser = commands.add_parser("report", help="HTML performance report from the published warehouse")
    report_parser.add_argument("--out", type=Path, help="HTML file (default reports/performance.html beside it)")
    report_parser.add_argument("--warehouse", help="published DuckDB file (default CSDW_WAREHOUSE)")
    args = parser.parse_args(argv)

    if args.command == "demo":
        return demo()
    if args.command == "refresh":
        return refresh(Settings.from_env(landing_dir=args.landing, warehouse_path=args.warehouse), args.full)
    if args.command == "rollback":
        return rollback(Settings.from_env(warehouse_path=args.warehouse))
    if args.command == "validate":
        return validate(Settings.from_env(landing_dir=args.landing))
    if args.command == "generate":
        return generate(args)
    settings = Settings.from_env(warehouse_path=args.warehouse)
    if not settings.warehouse_path.exists():
        console.print(f"[red]No published warehouse at {settings.warehouse_path}[/]: run `csdw refresh` first.")
        return EXIT_ERROR
    if args.command == "report":
        from orchestration.report import write_report
        from orchestration.resources import Warehouse

        out = write_report(Warehouse(published_path=str(settings.warehouse_path)), args.out, settings.la_code)
        console.print(f"Performance report: {out}")
        return EXIT_PUBLISHED
    print_measures(latest_measures(settings.warehouse_path, args.period), args.format)
    return EXIT_PUBLISHED


def run() -> NoReturn:
    """The `csdw` command: `main`, then out of the process at once."""
    exit_code = main()
    # Python's own teardown of the modules a refresh imports (Dagster, dbt, Great Expectations: about 4,600) took
    # 1.5-2 s after the work was done. By then every warehouse connection and worker pool has been closed by its
    # `with` and no thread of ours is running; the exit handlers (logging's, the reading workers' fork server's)
    # still run, then the process ends without that teardown.
    atexit._run_exitfuncs()
    # A reader that stopped early (`csdw measures | head`) is not an error of the command's.
    with contextlib.suppress(BrokenPipeError):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(exit_code)


if __name__ == "__main__":
    run()
