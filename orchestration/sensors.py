"""The landing-folder sensor: a refresh when an extract arrives or changes, never for a half-copied file."""

import hashlib
import json
from pathlib import Path

import dagster as dg

from orchestration.jobs import refresh_job
from orchestration.refresh_inputs import content_hash, landing_files
from orchestration.resources import Extracts


def scan_landing(landing: Path, cursor: str | None) -> tuple[list[str], str]:
    """The files that arrived or changed since the last scan, and the next cursor.

    The cursor holds, per file, the size and mtime seen at the last scan and the content hash of the version
    a refresh was last requested for (None while the file is still settling). A file is read only once its
    size is the same at two scans in a row: a file still being copied grows between scans. A file touched
    without changing its content (same hash) requests nothing.
    """
    seen = json.loads(cursor) if cursor else {}
    changed, state = [], {}
    for name, (size, mtime) in sorted(landing_files(landing).items()):
        previous = seen.get(name)
        if previous is None or previous["size"] != size:
            last_requested = previous["sha256"] if previous else None
            state[name] = {"size": size, "mtime": mtime, "sha256": last_requested, "settled": False}
            continue
        if previous["settled"] and previous["mtime"] == mtime:
            state[name] = previous
            continue
        digest = content_hash(landing / name)
        if digest != previous["sha256"]:
            changed.append(name)
        state[name] = {"size": size, "mtime": mtime, "sha256": digest, "settled": True}
    return changed, json.dumps(state, sort_keys=True)


@dg.sensor(job=refresh_job, minimum_interval_seconds=60)
def landing_files_sensor(context: dg.SensorEvaluationContext, extracts: Extracts) -> dg.SensorResult:
    """Has a new or corrected extract arrived since the last refresh? Watches every family's landing folder
    and requests a refresh once a new or changed file has stopped growing; an unchanged file requests nothing."""
    changed, cursor = scan_landing(extracts.landing, context.cursor)
    if not changed:
        return dg.SensorResult(skip_reason="no new or changed extract file", cursor=cursor)
    # The run key is the set of file versions, so the same arrival never queues two refreshes.
    run_key = hashlib.sha256(cursor.encode()).hexdigest()[:16]
    context.log.info(f"{len(changed)} new or changed extract file(s)")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, tags={"csdw/trigger": "landing_files"})],
        cursor=cursor,
    )


SENSORS = [landing_files_sensor]
