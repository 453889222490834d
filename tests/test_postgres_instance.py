"""The production instance: dagster.postgres.yaml keeps Dagster's runs in a real PostgreSQL server.

CI starts one with .ci/setup.d/postgres.sh; elsewhere the test is skipped when no server answers."""

import os
import shutil
import socket
from urllib.parse import urlparse

import dagster as dg
import pytest

from orchestration.settings import PROJECT_ROOT

# The driver is named: SQLAlchemy 2.1 takes a bare postgresql:// to mean psycopg 3, dagster-postgres installs psycopg2.
POSTGRES_URL = os.environ.get(
    "CSDW_TEST_POSTGRES_URL", "postgresql+psycopg2://csdw:csdw@127.0.0.1:5432/csdw_dagster"
)


def _server_answers(url: str) -> bool:
    address = urlparse(url)
    try:
        with socket.create_connection((address.hostname, address.port or 5432), timeout=2):
            return True
    except OSError:
        return False


@dg.op
def say_the_instance_works() -> int:
    return 1


@dg.job
def trivial() -> None:
    say_the_instance_works()


def test_a_run_is_kept_in_postgresql_storage(tmp_path, monkeypatch):
    if not _server_answers(POSTGRES_URL):
        where = urlparse(POSTGRES_URL)._replace(netloc=urlparse(POSTGRES_URL).hostname or "").geturl()
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but no PostgreSQL server answers at {where}: .ci/setup.d/postgres.sh starts one")
        pytest.skip(f"no PostgreSQL server at {where} (run .ci/setup.d/postgres.sh, or set CSDW_TEST_POSTGRES_URL)")
    shutil.copy(PROJECT_ROOT / "dagster.postgres.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.setenv("CSDW_DAGSTER_POSTGRES_URL", POSTGRES_URL)

    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        result = trivial.execute_in_process(instance=instance)
    with dg.DagsterInstance.get() as reopened:
        kept = reopened.get_run_by_id(result.run_id)
        steps = reopened.get_records_for_run(result.run_id, of_type=dg.DagsterEventType.STEP_SUCCESS).records
        reopened.delete_run(result.run_id)

    assert result.success
    assert kept.status == dg.DagsterRunStatus.SUCCESS
    assert len(steps) == 1
