"""When the refresh runs by itself."""

import dagster as dg

from orchestration.jobs import refresh_job

LONDON = "Europe/London"

# 02:00 London time whatever the season: Dagster evaluates the cron in this timezone, so the run follows the
# clocks (01:00 UTC in summer, 02:00 UTC in winter). The extracts are exported in the evening, and 02:00 leaves
# the morning's analysts tonight's numbers.
nightly_refresh = dg.ScheduleDefinition(
    name="nightly_refresh",
    job=refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone=LONDON,
    description="Are this morning's numbers built from last night's extracts? Runs the full refresh every night "
    "at 02:00 Europe/London.",
)

SCHEDULES = [nightly_refresh]
