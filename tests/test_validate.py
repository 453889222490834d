"""`csdw validate`: errors and warnings by file, row, field and rule; exit 1 only on blocking faults or a file it
could not read."""

import os
import subprocess
import sys

from orchestration import cli
from tests.conftest import episode, header, write_table
from tests.test_nccis_workforce_contracts import CCIS_COLUMNS, ccis_row
from sources.synthetic.ssda903 import EPISODE_COLUMNS, HEADER_COLUMNS


def test_validate_lists_row_faults_and_exits_0_when_nothing_would_block(settings, write_ssda903, capsys):
    write_ssda903([episode(f"CHILD{n}", "01/04/2024", ls="ZZ" if n == 0 else "C2") for n in range(40)])

    exit_code = cli.main(["validate", str(settings.landing_dir)])
    printed = capsys.readouterr().out

    assert exit_code == 0
    assert "episodes.csv" in printed and "LS" in printed and "code is in list ssda903_legal_status" in printed
    assert "CHILD0" not in printed, "an identifier was printed"


def write_episodes_without_place(landing_dir) -> None:
    """An SSDA903 landing whose episodes file lacks the PLACE column: a fault that stops a refresh."""
    folder = landing_dir / "ssda903"
    write_table(folder / "header.csv", HEADER_COLUMNS, [header("CHILD1")])
    write_table(folder / "episodes.csv", [c for c in EPISODE_COLUMNS if c != "PLACE"],
                [{k: v for k, v in episode("CHILD1", "01/04/2024").items() if k != "PLACE"}])


def test_validate_exits_1_on_a_file_that_would_stop_the_refresh(settings, capsys):
    write_episodes_without_place(settings.landing_dir)

    exit_code = cli.main(["validate", str(settings.landing_dir)])

    assert exit_code == 1
    assert "required columns are present" in capsys.readouterr().out


def test_the_csdw_command_exits_with_the_commands_code_and_all_its_output(settings):
    """`csdw` leaves the process without Python's teardown (orchestration/cli.py `run`, as `python -m
    orchestration.cli` does): what it printed must still reach a pipe, and its exit code the shell."""
    write_episodes_without_place(settings.landing_dir)

    validate = subprocess.run([sys.executable, "-m", "orchestration.cli", "validate", str(settings.landing_dir)],
                              env={**os.environ, "CSDW_LA_CODE": settings.la_code}, capture_output=True, text=True)

    assert validate.returncode == 1
    assert "required columns are present" in validate.stdout
    assert validate.stdout.rstrip().endswith("a refresh would stop.")
    assert validate.stderr == ""


def test_validate_loads_nothing(settings, write_ssda903):
    write_ssda903([episode("CHILD1", "01/04/2024")])

    cli.main(["validate", str(settings.landing_dir)])

    assert not settings.warehouse_path.parent.exists()


def test_validate_exits_1_naming_an_unreadable_file_and_checks_the_other_families(settings, write_ssda903,
                                                                                 episodes_unreadable, capsys):
    write_ssda903([episode("CHILD1", "01/04/2024")])
    write_table(settings.landing_dir / "nccis" / "ccis_2025-01.csv", CCIS_COLUMNS, [ccis_row(activity="999")])

    exit_code = cli.main(["validate", str(settings.landing_dir)])
    printed = capsys.readouterr().out

    assert exit_code == 1
    assert f"Could not read ssda903: [Errno 5] Input/output error: '{settings.landing_dir}/ssda903/episodes.csv'" in printed
    assert "1 family(ies) could not be read" in printed
    assert "ccis_2025-01.csv row 2" in printed and "code is in list nccis_activity" in printed
