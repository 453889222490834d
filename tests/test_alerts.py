"""Alerts reach a real local webhook and SMTP server, once per failed or blocked refresh, naming the failing
checks and steps with counts, and never an identifier or a row value."""

import errno
import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, HTTPServer

import dagster as dg
import pytest
from aiosmtpd.controller import Controller

from orchestration.alerts import refresh_failure_alert
from orchestration.cli import EXIT_BLOCKED, refresh
from tests.conftest import episode

SECRET_CHILD = "CHILDSECRET7"


class Received(list):
    """Alerts a local server received, as (subject, text)."""


@pytest.fixture
def webhook(monkeypatch) -> Iterator[Received]:
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((body["title"], body["text"]))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CSDW_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/alerts")
    yield received
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp(monkeypatch) -> Iterator[Received]:
    received = Received()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = message_from_bytes(envelope.content)
            received.append((message["Subject"], message.get_payload(decode=True).decode()))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("CSDW_ALERT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CSDW_ALERT_SMTP_PORT", str(port))
    monkeypatch.setenv("CSDW_ALERT_SMTP_FROM", "csdw@example.org")
    monkeypatch.setenv("CSDW_ALERT_SMTP_TO", "duty-engineer@example.org")
    yield received
    controller.stop()


@pytest.fixture(params=["webhook", "smtp"])
def channel(request) -> Received:
    return request.getfixturevalue(request.param)


@dg.asset
def extract_that_cannot_be_read() -> None:
    """Fails like a step whose disk went away."""
    raise RuntimeError(f"could not read the row of {SECRET_CHILD}")


@dg.asset
def episodes_of_care() -> None:
    """Materialises; its gate below fails."""


@dg.asset_check(asset=episodes_of_care, blocking=True)
def great_expectations_suite() -> dg.AssetCheckResult:
    """Fails with a row-level description, as a Great Expectations suite does."""
    return dg.AssetCheckResult(passed=False, metadata={"rows": 12, "failed": [f"child {SECRET_CHILD}: DECOM after DEC"]})


@dg.asset(deps=[episodes_of_care])
def published() -> None:
    """Must not run when the gate fails."""


@dg.asset(name="published_warehouse")
def warehouse_swapped_in() -> None:
    """Stands in for the publish step, which succeeds."""


@dg.asset(deps=[warehouse_swapped_in])
def exports_on_a_full_disk() -> None:
    """Fails after the publish, as the exports do when their disk is full."""
    raise OSError(errno.ENOSPC, "No space left on device")


def _alert_for_failed_run(job: dg.JobDefinition) -> None:
    instance = dg.DagsterInstance.ephemeral()
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    context = dg.build_run_status_sensor_context(
        sensor_name=refresh_failure_alert.name,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
    ).for_run_failure()
    refresh_failure_alert(context)


def test_a_failing_run_sends_exactly_one_alert_naming_the_failed_step(channel):
    job = dg.Definitions(assets=[extract_that_cannot_be_read]).resolve_implicit_global_asset_job_def()

    _alert_for_failed_run(job)

    [(subject, text)] = channel
    assert "failed" in subject
    assert "failed step: extract_that_cannot_be_read (RuntimeError)" in text
    assert SECRET_CHILD not in subject + text


def test_a_blocked_gate_sends_exactly_one_alert_naming_the_check_with_counts_only(channel):
    definitions = dg.Definitions(assets=[episodes_of_care, published], asset_checks=[great_expectations_suite])

    _alert_for_failed_run(definitions.resolve_implicit_global_asset_job_def())

    [(subject, text)] = channel
    assert "blocked by a quality gate" in subject
    assert "failed check (error): episodes_of_care: great_expectations_suite (failed 1, rows 12)" in text
    assert SECRET_CHILD not in subject + text


def test_exports_failing_after_the_publish_send_one_alert_saying_the_warehouse_is_published(channel):
    definitions = dg.Definitions(assets=[warehouse_swapped_in, exports_on_a_full_disk])

    _alert_for_failed_run(definitions.resolve_implicit_global_asset_job_def())

    [(subject, text)] = channel
    assert "published, but its exports failed" in subject
    assert "the warehouse IS published (live), but the exports were not rewritten" in text
    assert "failed step: exports_on_a_full_disk (OSError)" in text
    assert "nothing was published" not in text


def test_no_alert_channel_configured_sends_nothing_and_does_not_fail(monkeypatch):
    monkeypatch.delenv("CSDW_ALERT_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("CSDW_ALERT_SMTP_HOST", raising=False)

    _alert_for_failed_run(dg.Definitions(assets=[extract_that_cannot_be_read]).resolve_implicit_global_asset_job_def())


def test_csdw_refresh_blocked_by_a_contract_sends_one_alert_without_identifiers(settings, write_ssda903, webhook):
    write_ssda903([episode(SECRET_CHILD, "01/04/2024", ls="ZZ")])

    assert refresh(settings) == EXIT_BLOCKED

    [(subject, text)] = webhook
    assert "refresh blocked by a quality gate" in subject
    assert "raw/ssda903_episodes: contract" in text
    assert SECRET_CHILD not in subject + text
