"""Alerts reach a real local webhook and SMTP server, once per failed or blocked refresh, naming the failing
checks and steps with counts, and never an identifier or a row value."""

import errno
import ipaddress
import json
import smtplib
import socket
import ssl
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from orchestration.alerts import AlertChannel, UnencryptedLogin, refresh_failure_alert
from orchestration.cli import EXIT_BLOCKED, RefreshOutcome, refresh, send_alert
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


class SmtpHandler:
    """Keeps each message a local SMTP server accepts, and who had logged in to send it (None: no login)."""

    def __init__(self, received: Received):
        self.received = received
        self.senders = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        self.received.append((message["Subject"], message.get_payload(decode=True).decode()))
        self.senders.append(session.auth_data)
        return "250 OK"


def _start_smtp(monkeypatch, handler: SmtpHandler, **server_options) -> Controller:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port, **server_options)
    controller.start()
    monkeypatch.setenv("CSDW_ALERT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CSDW_ALERT_SMTP_PORT", str(port))
    monkeypatch.setenv("CSDW_ALERT_SMTP_FROM", "csdw@example.org")
    monkeypatch.setenv("CSDW_ALERT_SMTP_TO", "duty-engineer@example.org")
    return controller


@pytest.fixture
def smtp(monkeypatch) -> Iterator[Received]:
    received = Received()
    controller = _start_smtp(monkeypatch, SmtpHandler(received))
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


SMTP_USER, SMTP_PASSWORD = "csdw-alerts", "relay-Secret-42"


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that signs itself, and its key: the relay's, and the only CA the client trusts."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "csdw test relay")])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = folder / "relay.pem", folder / "relay.key"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return certificate_path, key_path


@pytest.fixture
def authenticated_relay(tmp_path, monkeypatch) -> Iterator[SmtpHandler]:
    """A local relay that accepts mail only over STARTTLS from a client that has logged in, as an Office 365 or
    Gmail relay does; the client trusts its self-signed certificate through SSL_CERT_FILE."""
    certificate, key = _self_signed_certificate(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(certificate, key)

    def authenticator(server, session, envelope, mechanism, login):
        known = (login.login, login.password) == (SMTP_USER.encode(), SMTP_PASSWORD.encode())
        # handled=False: the server itself answers a refused login (535), as a real relay does.
        return AuthResult(success=known, handled=False, auth_data=login.login.decode())

    handler = SmtpHandler(Received())
    controller = _start_smtp(monkeypatch, handler, tls_context=tls, require_starttls=True, auth_required=True,
                             auth_require_tls=True, authenticator=authenticator)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    monkeypatch.setenv("CSDW_ALERT_SMTP_STARTTLS", "true")
    monkeypatch.setenv("CSDW_ALERT_SMTP_USER", SMTP_USER)
    monkeypatch.setenv("CSDW_ALERT_SMTP_PASSWORD", SMTP_PASSWORD)
    yield handler
    controller.stop()


def test_an_smtp_alert_logs_in_over_starttls_to_a_relay_that_requires_both(authenticated_relay):
    AlertChannel.from_env().send("csdw refresh failed", "The refresh run r1 failed.")

    [(subject, text)] = authenticated_relay.received
    assert (subject, text.strip()) == ("csdw refresh failed", "The refresh run r1 failed.")
    assert authenticated_relay.senders == [SMTP_USER]


def test_the_relay_refuses_an_alert_sent_without_starttls_and_login(authenticated_relay, monkeypatch):
    for name in ("CSDW_ALERT_SMTP_STARTTLS", "CSDW_ALERT_SMTP_USER", "CSDW_ALERT_SMTP_PASSWORD"):
        monkeypatch.delenv(name)

    with pytest.raises(smtplib.SMTPException):
        AlertChannel.from_env().send("csdw refresh failed", "text")
    assert authenticated_relay.received == []


def _failed_refresh_outcome(folder: Path) -> RefreshOutcome:
    report = folder / "gate-latest.json"
    report.write_text(json.dumps({"status": "failed", "refresh_id": "r1", "checks": []}))
    return RefreshOutcome(exit_code=1, report=report)


def test_a_wrong_smtp_password_is_said_without_the_password(authenticated_relay, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("CSDW_ALERT_SMTP_PASSWORD", "wrong-Secret-99")

    send_alert(_failed_refresh_outcome(tmp_path))

    printed = capsys.readouterr().out
    assert "The alert could not be sent" in printed and "SMTPAuthenticationError" in printed
    assert "wrong-Secret-99" not in printed and SMTP_PASSWORD not in printed
    assert authenticated_relay.received == []


def test_an_smtp_login_without_starttls_is_refused_before_the_password_is_sent(authenticated_relay, monkeypatch,
                                                                               tmp_path, capsys):
    monkeypatch.setenv("CSDW_ALERT_SMTP_STARTTLS", "false")

    with pytest.raises(UnencryptedLogin, match="CSDW_ALERT_SMTP_STARTTLS"):
        AlertChannel.from_env()
    send_alert(_failed_refresh_outcome(tmp_path))

    printed = capsys.readouterr().out
    assert "The alert could not be sent: UnencryptedLogin" in printed and SMTP_PASSWORD not in printed
    assert authenticated_relay.received == []


def test_the_smtp_password_is_not_in_the_channels_repr(authenticated_relay):
    assert SMTP_PASSWORD not in repr(AlertChannel.from_env())
