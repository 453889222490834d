"""Freshness: a warning when an extract family's newest file is older than its family is exported."""

import time
from pathlib import Path

import dagster as dg

from orchestration.ingest import raw_asset_key
from orchestration.refresh_inputs import landing_files
from orchestration.resources import Extracts
from sources import cin, nccis, sen2, ssda903, workforce

SECONDS_PER_DAY = 86400
FRESHNESS_CHECK = "extract_freshness"
# The check sits on the family's first raw table: one check per family, since one export delivers them all.
FAMILY_ASSETS = {family.FAMILY: raw_asset_key(family.CONTRACTS[0]) for family in (cin, ssda903, sen2, nccis, workforce)}


def newest_file_age_days(landing: Path, family: str) -> tuple[int, float | None]:
    """How many files the family has in the landing folder, and the age of the newest in days (None: no file)."""
    files = landing_files(landing, (family,))
    if not files:
        return 0, None
    return len(files), (time.time() - max(mtime for _, mtime in files.values())) / SECONDS_PER_DAY


def freshness_check(family: str, max_age_days: float) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=FAMILY_ASSETS[family],
        name=FRESHNESS_CHECK,
        blocking=False,
        description=f"Is the newest {family} extract at most {max_age_days:g} days old? A warning, never a gate.",
    )
    def extract_freshness(extracts: Extracts) -> dg.AssetCheckResult:
        """Are tonight's figures built from a recent export of this family, or is its system no longer sending?
        Warns when the family's newest file in the landing folder is older than its configured age; publish
        goes ahead, since last month's CCIS file is still the best data there is."""
        files, age_days = newest_file_age_days(extracts.landing, family)
        # A family with no file at all is not stale: its empty tables are the downstream gates' business.
        if age_days is None:
            return dg.AssetCheckResult(passed=True, metadata={"files": 0, "max_age_days": max_age_days})
        return dg.AssetCheckResult(
            passed=age_days <= max_age_days,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"files": files, "newest_file_age_days": round(age_days, 1), "max_age_days": max_age_days},
        )

    return extract_freshness


def freshness_checks(max_age_days: dict[str, float]) -> list[dg.AssetChecksDefinition]:
    return [freshness_check(family, days) for family, days in max_age_days.items()]
