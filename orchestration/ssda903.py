"""Ingest of the SSDA903 (children looked after) extracts."""

from orchestration.ingest import build_ingest_assets
from sources import ssda903

ssda903_raw_tables = build_ingest_assets(
    ssda903.FAMILY,
    ssda903.CONTRACTS,
    ssda903.check_extracts,
    question="Which children were looked after, in which episodes, placements and outcomes? Loads the SSDA903 "
    "tables of every collection year in the landing folder, checked against their contracts, identifiers "
    "pseudonymised; rejected rows go to audit.quarantine, and a broken file or too many rejected rows stops "
    "the refresh.",
)
