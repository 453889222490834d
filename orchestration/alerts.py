"""Alerts: someone hears when a refresh fails or a gate blocks it, by email (SMTP) or a chat webhook.

Configured by environment variables (README "Operations"); with none set nothing is sent. A message names the
job, the run, the failed steps and checks and the counts in the checks' results, never an identifier or a row
value: only numbers are taken from a check's metadata, and lists (of faults, of failed expectations) are counted,
not quoted.
"""

import json
import os
import smtplib
import ssl
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage

import dagster as dg

from orchestration.cli import GATE_ERRORS, PUBLISHED_EXPORTS_FAILED, _root_error
from orchestration.jobs import JOBS
from orchestration.publish import published_warehouse
from orchestration.refresh_record import _plain

WEBHOOK_URL = "CSDW_ALERT_WEBHOOK_URL"
SMTP_HOST, SMTP_PORT, SMTP_FROM, SMTP_TO = (
    "CSDW_ALERT_SMTP_HOST", "CSDW_ALERT_SMTP_PORT", "CSDW_ALERT_SMTP_FROM", "CSDW_ALERT_SMTP_TO"
)
SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS = "CSDW_ALERT_SMTP_USER", "CSDW_ALERT_SMTP_PASSWORD", "CSDW_ALERT_SMTP_STARTTLS"
TIMEOUT_SECONDS = 30

# What the alert says happened, by the refresh's status (orchestration/cli.py).
VERDICTS = {
    "blocked": ("blocked by a quality gate", "nothing was published; the last good warehouse stays in place."),
    "failed": ("failed", "nothing was published; the last good warehouse stays in place."),
    PUBLISHED_EXPORTS_FAILED: (
        "published, but its exports failed",
        "the warehouse IS published (live), but the exports were not rewritten.",
    ),
}


class UnencryptedLogin(ValueError):
    """Raised when an SMTP login is configured without STARTTLS: the password would cross the network in clear."""


@dataclass(frozen=True)
class AlertChannel:
    """Where alerts go: a webhook URL (Teams/Slack-style JSON POST), an SMTP relay, or both."""

    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "csdw@localhost"
    smtp_to: tuple[str, ...] = ()
    smtp_starttls: bool = False
    smtp_user: str | None = None
    # Kept out of the repr, so no log or traceback that shows the channel shows the password.
    smtp_password: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls) -> "AlertChannel | None":
        """The channel configured in the environment; None when no alert is configured."""
        recipients = tuple(address.strip() for address in os.environ.get(SMTP_TO, "").split(",") if address.strip())
        channel = cls(
            webhook_url=os.environ.get(WEBHOOK_URL) or None,
            smtp_host=(os.environ.get(SMTP_HOST) or None) if recipients else None,
            smtp_port=int(os.environ.get(SMTP_PORT) or 25),
            smtp_from=os.environ.get(SMTP_FROM) or cls.smtp_from,
            smtp_to=recipients,
            smtp_starttls=os.environ.get(SMTP_STARTTLS, "").strip().lower() in ("1", "true", "yes"),
            smtp_user=os.environ.get(SMTP_USER) or None,
            smtp_password=os.environ.get(SMTP_PASSWORD) or None,
        )
        if channel.smtp_host and channel.smtp_user and not channel.smtp_starttls:
            raise UnencryptedLogin(f"{SMTP_USER} is set but {SMTP_STARTTLS} is not true: the SMTP password would "
                                   "be sent unencrypted, so no login is attempted.")
        return channel if channel.webhook_url or channel.smtp_host else None

    def send(self, subject: str, text: str) -> None:
        if self.webhook_url:
            request = urllib.request.Request(
                self.webhook_url,
                data=json.dumps({"title": subject, "text": text}).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):
                pass
        if self.smtp_host:
            message = EmailMessage()
            message["Subject"], message["From"], message["To"] = subject, self.smtp_from, ", ".join(self.smtp_to)
            message.set_content(text)
            with smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
                if self.smtp_starttls:
                    # The relay's certificate is checked against the system's CAs (or SSL_CERT_FILE).
                    smtp.starttls(context=ssl.create_default_context())
                if self.smtp_user:
                    smtp.login(self.smtp_user, self.smtp_password or "")
                smtp.send_message(message)


def _counts(metadata: Mapping[str, object]) -> dict[str, float | int]:
    """The numbers in a check's metadata; a list is given as its length, text is left out."""
    counts = {}
    for name, value in metadata.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            counts[name] = value
        elif isinstance(value, list | tuple):
            counts[name] = len(value)
    return counts


def refresh_notice(
    status: str, job: str, run_id: str, failed_checks: Iterable[Mapping], failed_steps: Iterable[str]
) -> tuple[str, str]:
    """Subject and text of the alert for a refresh that did not publish, or published and then failed.

    `failed_checks` are gate-report check entries (asset, check, severity, metadata); `failed_steps` are step
    names with their error class."""
    verdict, consequence = VERDICTS[status]
    lines = [f"The {job} run {run_id} {verdict}: {consequence}"]
    for check in failed_checks:
        counts = ", ".join(f"{name} {value:g}" for name, value in sorted(_counts(check["metadata"]).items()))
        lines.append(f"failed check ({check['severity'].lower()}): {check['asset']}: {check['check']}"
                     + (f" ({counts})" if counts else ""))
    lines.extend(f"failed step: {step}" for step in failed_steps)
    lines.append("The gate report and the run's logs say more (README, Operations).")
    return f"csdw {job} {verdict}", "\n".join(lines)


@dg.run_failure_sensor(
    name="refresh_failure_alert",
    monitored_jobs=JOBS,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def refresh_failure_alert(context: dg.RunFailureSensorContext) -> None:
    """Does anyone know tonight's refresh did not publish? Sends one alert per failed run of a refresh job,
    saying whether a quality gate blocked it (and which checks), a step failed, or the warehouse was published
    and the exports after it failed; nothing when no alert channel is configured."""
    channel = AlertChannel.from_env()
    if channel is None:
        context.log.info("no alert channel configured (CSDW_ALERT_WEBHOOK_URL or CSDW_ALERT_SMTP_*)")
        return
    run = context.dagster_run
    records = context.instance.get_records_for_run(
        run_id=run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    evaluations = [record.event_log_entry.dagster_event.event_specific_data for record in records]
    failed_checks = [
        {
            "asset": evaluation.asset_key.to_user_string(),
            "check": evaluation.check_name,
            "severity": evaluation.severity.value,
            "metadata": {name: _plain(value) for name, value in evaluation.metadata.items()},
        }
        for evaluation in evaluations
        if not evaluation.passed
    ]
    errors = {event.step_key: _root_error(event.step_failure_data.error).cls_name
              for event in context.get_step_failure_events()}
    blocked = bool(set(errors.values()) & GATE_ERRORS) or any(
        check["severity"] == dg.AssetCheckSeverity.ERROR.value for check in failed_checks
    )
    materialized = context.instance.get_records_for_run(
        run_id=run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
    ).records
    published = any(
        record.event_log_entry.dagster_event.asset_key == published_warehouse.key for record in materialized
    )
    status = PUBLISHED_EXPORTS_FAILED if published else "blocked" if blocked else "failed"
    subject, text = refresh_notice(
        status, run.job_name, run.run_id, failed_checks,
        [f"{step} ({error})" for step, error in sorted(errors.items())],
    )
    channel.send(subject, text)


ALERT_SENSORS = [refresh_failure_alert]
