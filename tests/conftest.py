"""Shared fixtures: synthetic extracts only, written into a temporary landing folder per test."""

import contextlib
import csv
import errno
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from orchestration import cli
from orchestration.settings import Settings
from sources.contracts import CheckSettings
from sources.synthetic.generate import generate
from sources.synthetic.ssda903 import EPISODE_COLUMNS, HEADER_COLUMNS
from sources.synthetic.targets import SCALES

TEST_KEY = "test-key-not-secret"
TEST_LA_CODE = "999"

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(autouse=True)
def test_environment(monkeypatch):
    """Every test runs with a throwaway key and LA code, and never against the developer's own warehouse."""
    monkeypatch.setenv("CSDW_PSEUDONYM_KEY", TEST_KEY)
    monkeypatch.setenv("CSDW_LA_CODE", TEST_LA_CODE)
    monkeypatch.delenv("CSDW_REFERENCE_DATE", raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)


CHECK_SETTINGS = CheckSettings(extract_date=date(2026, 1, 1), default_la_code=TEST_LA_CODE, max_rejected_percent=5.0)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        landing_dir=tmp_path / "landing",
        warehouse_path=tmp_path / "warehouse" / "csdw.duckdb",
        la_code=TEST_LA_CODE,
        # Hand-made extracts are small: without a reference date their periods could end before they start.
        reference_date=date(2025, 3, 31),
    )


@pytest.fixture
def episodes_unreadable(monkeypatch) -> None:
    """Reading `episodes.csv` fails as it does when the landing share drops out part-way (EIO); other files read."""
    read_bytes = Path.read_bytes

    def share_drops_out_reading_the_episodes(path: Path) -> bytes:
        if path.name == "episodes.csv":
            raise OSError(errno.EIO, "Input/output error")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", share_drops_out_reading_the_episodes)


def episode(child: str, decom: str, dec: str = "", rec: str = "", ls: str = "C2", rne: str = "S", place: str = "U4") -> dict:
    """One SSDA903 episodes row; the fields a test does not care about take plausible values."""
    return {
        "CHILD": child, "DECOM": decom, "RNE": rne, "LS": ls, "CIN": "N1", "PLACE": place,
        "PLACE_PROVIDER": "PR1", "DEC": dec, "REC": rec, "REASON_PLACE_CHANGE": "",
        "HOME_POST": "ZZ99 3HZ", "PL_POST": "ZZ99 4PZ", "URN": "SC123456",
    }


def header(child: str, dob: str = "01/05/2012") -> dict:
    return {"CHILD": child, "SEX": "F", "DOB": dob, "ETHNIC": "WBRI", "UPN": "A123456789012", "MOTHER": "0", "MC_DOB": ""}


def write_table(path: Path, columns: list[str], rows: list[dict], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def write_ssda903(settings) -> Callable[..., Path]:
    """Write hand-made header and episodes tables into the test's landing folder."""

    def write(episodes: list[dict], headers: list[dict] | None = None, episodes_file: str = "episodes.csv") -> Path:
        folder = settings.landing_dir / "ssda903"
        children = sorted({row["CHILD"] for row in episodes})
        write_table(folder / "header.csv", HEADER_COLUMNS, headers if headers is not None else [header(c) for c in children])
        return write_table(folder / episodes_file, EPISODE_COLUMNS, episodes)

    return write


# The hand-made fixture of the cla_at_date tests: its answers are worked out where it is used.
HAND_MADE_EPISODES = [
    episode("CHILDA", "01/01/2024", "31/03/2024", "E4A"),
    episode("CHILDB", "15/02/2024"),
    episode("CHILDC", "01/06/2023", "10/09/2023", "E13"),
    episode("CHILDC", "01/03/2024"),
    episode("CHILDD", "01/01/2024", ls="V3", place="U6"),
    episode("CHILDE", "01/10/2023", "15/01/2024", "X1"),
    episode("CHILDE", "15/01/2024", rne="P", place="K2"),
]
HAND_MADE_REFERENCE_DATE = date(2024, 3, 31)


SMALL_LA_CODE = SCALES["small"].default_la
SMALL_LA_PERIOD_END = date(2025, 3, 31)


@dataclass(frozen=True)
class CsdwRefresh:
    landing: Path
    warehouse: Path
    exit_code: int
    printed: str


def csdw_refresh(landing: Path, warehouse: Path, la_code: str, reference_date: date | None = None) -> CsdwRefresh:
    """`csdw refresh` of a generated landing folder into `warehouse`, as the data engineer runs it, for the
    session- and module-wide fixtures that the per-test environment does not reach."""
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as env, contextlib.redirect_stdout(printed):
        env.setenv("CSDW_PSEUDONYM_KEY", "generated-la-test")
        env.setenv("CSDW_LA_CODE", la_code)
        if reference_date:
            env.setenv("CSDW_REFERENCE_DATE", reference_date.isoformat())
        else:
            env.delenv("CSDW_REFERENCE_DATE", raising=False)
        env.delenv("DAGSTER_HOME", raising=False)
        exit_code = cli.main(["refresh", "--landing", str(landing), "--warehouse", str(warehouse)])
    return CsdwRefresh(landing, warehouse, exit_code, printed.getvalue())


@pytest.fixture(scope="session")
def small_la_refresh(tmp_path_factory) -> CsdwRefresh:
    """The small scale's LA, generated and refreshed by `csdw refresh` once for the whole session (a refresh takes
    a minute or more): its landing folder, its published warehouse, the exit code and what the command printed."""
    landing = tmp_path_factory.mktemp("small_la_landing")
    generate(landing, "small", seed=5, show_progress=False)
    warehouse = tmp_path_factory.mktemp("small_la_warehouse") / "csdw.duckdb"
    return csdw_refresh(landing, warehouse, SMALL_LA_CODE, SMALL_LA_PERIOD_END)
