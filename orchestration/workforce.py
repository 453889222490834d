"""Ingest of the social work workforce HR extracts."""

from orchestration.ingest import build_ingest_assets
from sources import workforce

workforce_raw_tables = build_ingest_assets(
    workforce.FAMILY,
    workforce.CONTRACTS,
    workforce.check_extracts,
    question="Who are the children and families social workers, permanent or agency, against which funded posts, "
    "and how many cases do they hold? Loads the HR role records, establishment and caseload snapshots.",
)
