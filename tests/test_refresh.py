"""End to end: extracts in the landing folder -> `csdw refresh` -> published measures, or a blocked gate that
leaves the published warehouse exactly as it was."""

import dataclasses
import errno
import hashlib
import json
import re
import shutil
from datetime import date

import duckdb
import pandas as pd
import pytest

from orchestration import cli
from orchestration.cli import EXIT_BLOCKED, EXIT_ERROR, EXIT_PUBLISHED, PUBLISHED_EXPORTS_FAILED, run_refresh
from orchestration.exports import Exports
from sources.families import CHECKERS
from sources.synthetic.generate import generate
from sources.synthetic.ssda903 import generate_ssda903
from tests.conftest import (
    HAND_MADE_EPISODES,
    HAND_MADE_REFERENCE_DATE,
    SMALL_LA_CODE,
    SMALL_LA_PERIOD_END,
    TEST_LA_CODE,
    episode,
)


def cla_at_date(warehouse) -> dict[date, float]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select period_end, value from marts.measure_values "
            "where measure_id = 'cla_at_date' and breakdown = 'all' and la_code = ?",
            [TEST_LA_CODE],
        ).fetchall()
    return dict(rows)


def fingerprint(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_cla_at_date_is_right_on_the_hand_made_fixture(settings, write_ssda903):
    """Worked by hand from HAND_MADE_EPISODES (conftest):
    - C's first period runs 1 Jun - 10 Sep 2023: C alone at the end of June, July and August; nobody at 30 Sep.
    - E starts 1 Oct 2023: 1 child at the end of Oct, Nov, Dec.
    - 31 Jan 2024: A and E (E's second episode, from 15 Jan: counted once) = 2.
    - 29 Feb 2024: A, B (from 15 Feb) and E = 3.
    - 31 Mar 2024: A's episode ends on 31 March, so A is not looked after at 31 March; B, C (second period of
      care, from 1 Mar) and E = 3.
    - D has only short breaks (V3) and is never counted."""
    write_ssda903(HAND_MADE_EPISODES)

    outcome = run_refresh(dataclasses.replace(settings, reference_date=HAND_MADE_REFERENCE_DATE))

    assert outcome.exit_code == EXIT_PUBLISHED, outcome.reasons
    assert cla_at_date(settings.warehouse_path) == {
        date(2023, 6, 30): 1, date(2023, 7, 31): 1, date(2023, 8, 31): 1, date(2023, 9, 30): 0,
        date(2023, 10, 31): 1, date(2023, 11, 30): 1, date(2023, 12, 31): 1,
        date(2024, 1, 31): 2, date(2024, 2, 29): 3, date(2024, 3, 31): 3,
    }


def break_rows(episodes_csv, lines_to_break: dict[int, dict[int, str]]) -> None:
    """Overwrite cells of the given file lines (1 = header): {line: {column position: value}}."""
    lines = episodes_csv.read_text().splitlines()
    for line, cells in lines_to_break.items():
        row = lines[line - 1].split(",")
        for position, value in cells.items():
            row[position] = value
        lines[line - 1] = ",".join(row)
    episodes_csv.write_text("\n".join(lines) + "\n")


def refresh_command(settings) -> list[str]:
    return ["refresh", "--landing", str(settings.landing_dir), "--warehouse", str(settings.warehouse_path)]


def quarantined(settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path.with_name("csdw.audit.duckdb")), read_only=True) as connection:
        return connection.execute(
            "select source_row_number, field, rule, record is not null from audit.quarantine order by 1"
        ).fetchall()


def test_a_few_bad_rows_are_quarantined_with_their_reasons_and_the_rest_publishes(settings, capsys):
    extract = generate_ssda903(settings.landing_dir, children=150, seed=11)
    break_rows(extract.episodes_csv, {4: {3: "ZZ"}, 6: {7: "01/01/1999", 8: "E8"}})

    exit_code = cli.main(refresh_command(settings))

    assert exit_code == EXIT_PUBLISHED
    assert quarantined(settings) == [
        (4, "LS", "code is in list ssda903_legal_status", True),
        (6, "DEC", "DEC is on or after DECOM", True),
    ]
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        loaded = connection.execute("select count(*) from marts.fct_cla_episodes").fetchone()[0]
    assert loaded == extract.episodes - 2


def test_too_many_bad_rows_stop_the_refresh_and_leave_the_published_warehouse_untouched(settings, capsys):
    extract = generate_ssda903(settings.landing_dir, children=60, seed=11)
    assert cli.main(refresh_command(settings)) == EXIT_PUBLISHED
    published = fingerprint(settings.warehouse_path)
    capsys.readouterr()

    bad_lines = range(2, 2 + extract.episodes // 10)
    break_rows(extract.episodes_csv, {line: {3: "ZZ"} for line in bad_lines})
    exit_code = cli.main(refresh_command(settings))
    printed = capsys.readouterr().out

    assert exit_code == EXIT_BLOCKED
    assert "rejected rows stay within the threshold" in printed or "more than the 5% threshold" in printed
    assert "episodes.csv row 2, field LS: value 'ZZ'" in printed
    assert "SYN0" not in printed, "a child identifier was printed"
    assert fingerprint(settings.warehouse_path) == published
    assert len(quarantined(settings)) >= len(bad_lines)


def test_an_empty_episodes_export_is_blocked_by_the_great_expectations_gate(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024")])
    assert run_refresh(settings).exit_code == EXIT_PUBLISHED
    published = fingerprint(settings.warehouse_path)

    write_ssda903([])
    outcome = run_refresh(settings)

    assert outcome.exit_code == EXIT_BLOCKED
    assert any("fct_cla_episodes: great_expectations_suite" in check for check in outcome.failed_checks)
    assert fingerprint(settings.warehouse_path) == published


def test_published_warehouse_holds_the_quarantine_of_earlier_blocked_refreshes(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024", ls="ZZ")])
    assert run_refresh(settings).exit_code == EXIT_BLOCKED

    write_ssda903([episode("CHILD1", "01/04/2024")])
    assert run_refresh(settings).exit_code == EXIT_PUBLISHED

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        assert connection.execute("select field from audit.quarantine").fetchall() == [("LS",)]


def test_refresh_without_an_la_code_fails_with_the_variable_named(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024")])

    outcome = run_refresh(dataclasses.replace(settings, la_code=None))

    assert outcome.exit_code == cli.EXIT_ERROR
    assert any("CSDW_LA_CODE" in reason for reason in outcome.reasons)
    assert not settings.warehouse_path.exists()


@pytest.mark.parametrize("command", [["measures", "--format", "csv"]])
def test_measures_command_prints_the_latest_published_values(settings, write_ssda903, capsys, command):
    write_ssda903(HAND_MADE_EPISODES)
    assert run_refresh(dataclasses.replace(settings, reference_date=HAND_MADE_REFERENCE_DATE)).exit_code == 0
    capsys.readouterr()

    assert cli.main([*command, "--warehouse", str(settings.warehouse_path)]) == 0

    header, *rows = capsys.readouterr().out.splitlines()
    assert header == (
        "la_code,measure_id,period_end,period_type,numerator,denominator,value,unit,"
        "england_value,region_value,statistical_neighbours_value"
    )
    # The test LA is in no region and has no neighbours: England's published count at 31 March 2024 only.
    assert f"{TEST_LA_CODE},cla_at_date,2024-03-31,snapshot,3.0,,3.0,count,83530.0,," in rows
    assert all(row.startswith(f"{TEST_LA_CODE},") and ",2024-03-31," in row for row in rows)


PROGRESS_LINE = re.compile(r"^\s*(\d+\.\d)s  (\w+)\s+(.*)$")


def test_csdw_refresh_prints_a_line_per_family_read_model_built_gate_checked_and_publish_with_seconds(
        small_la_refresh):
    lines = small_la_refresh.printed.splitlines()
    progress = [match.groups() for match in map(PROGRESS_LINE.match, lines) if match]
    seconds = [float(elapsed) for elapsed, _, _ in progress]
    stages = [stage for _, stage, _ in progress]
    said = {stage: [text for _, line_stage, text in progress if line_stage == stage] for stage in stages}

    assert small_la_refresh.exit_code == EXIT_PUBLISHED
    assert seconds == sorted(seconds) and seconds[-1] > 0
    assert sorted(text.split(":")[0] for text in said["ingest"]) == sorted(CHECKERS)
    assert all(re.search(r": \d+ file\(s\) read, \d+ rows", text) for text in said["ingest"])
    assert {"marts/fct_cla_episodes", "marts/measure_values"} <= set(said["dbt"])
    assert re.fullmatch(r"\d+ models and seeds built, \d+ tests passed", said["dbt"][-1])
    assert "marts/fct_cla_episodes: great_expectations_suite passed" in said["check"]
    assert "marts/measure_values: pandera_contract passed" in said["check"]
    assert said["publish"][-1] == "published" and said["exports"][-1] == "written"
    # In the order a refresh goes: every family read before dbt, dbt before the gates on marts, publish last.
    assert stages.index("dbt") > max(i for i, stage in enumerate(stages) if stage == "ingest")
    assert stages.index("publish") > max(i for i, stage in enumerate(stages) if stage in ("dbt", "check"))
    assert len(lines) < 150, "quiet: no Dagster log lines, no dbt output"
    assert not any("START sql" in line or " - STEP_" in line for line in lines)


def test_csdw_refresh_prints_no_child_identifier(small_la_refresh):
    episodes = pd.concat(pd.read_csv(path, dtype=str, usecols=["CHILD"])
                         for path in (small_la_refresh.landing / "ssda903").glob("*_episodes.csv"))
    printed_words = set(re.findall(r"\w+", small_la_refresh.printed))

    assert not printed_words & set(episodes["CHILD"])


def test_exports_failing_after_the_swap_exit_1_and_say_the_warehouse_is_published(settings, write_ssda903,
                                                                                    monkeypatch, capsys):
    write_ssda903([episode("CHILD1", "01/04/2024")])

    def disk_full(self, warehouse):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Exports, "write", disk_full)
    exit_code = cli.refresh(settings)
    printed = capsys.readouterr().out

    assert exit_code == EXIT_ERROR
    assert re.search(r"s  publish  published\n.*s  exports  writing\n.*s  FAILED   curated_exports \(OSError\)",
                     printed)
    assert f"{settings.warehouse_path} IS published" in printed
    assert "was not rewritten" in printed and "No space left on device" in printed
    assert "nothing was published" not in printed
    assert cla_at_date(settings.warehouse_path), "the swap happened: the measures are live"
    gate_report = json.loads((settings.warehouse_path.parent / "reports" / "gate-latest.json").read_text())
    assert gate_report["status"] == PUBLISHED_EXPORTS_FAILED


def test_a_generated_la_with_defects_is_blocked_and_the_published_warehouse_still_answers(settings, small_la_refresh,
                                                                                         capsys):
    """Start from the session's clean small-LA publish, then refresh on the generator's `--defects` output of the
    same LA: truncated files, a missing column and bad rows in every family (its defects_manifest.csv) stop the
    refresh whatever the rejection threshold. The published file stays byte for byte as it was and still answers,
    and the gate report the refresh points at says which checks failed."""
    assert small_la_refresh.exit_code == EXIT_PUBLISHED
    settings = dataclasses.replace(settings, la_code=SMALL_LA_CODE, reference_date=SMALL_LA_PERIOD_END)
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(small_la_refresh.warehouse, settings.warehouse_path)
    published = fingerprint(settings.warehouse_path)
    measures = cli.latest_measures(settings.warehouse_path)
    generate(settings.landing_dir, "small", seed=3, reference=settings.reference_date, defects=True,
             show_progress=False)
    capsys.readouterr()

    exit_code = cli.refresh(settings)
    printed = capsys.readouterr().out

    assert exit_code == EXIT_BLOCKED
    assert fingerprint(settings.warehouse_path) == published
    assert measures and cli.latest_measures(settings.warehouse_path) == measures
    reports = settings.warehouse_path.parent / "reports"
    page = next(path for path in reports.glob("gate-*.html") if str(path) in printed)
    assert page.read_text() == (reports / "gate-latest.html").read_text()
    assert '<td class="result-failed">failed</td>' in page.read_text()
    assert "raw.ssda903_missing" in page.read_text() and "raw.ssda903_reviews" in page.read_text()
