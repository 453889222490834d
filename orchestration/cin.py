"""Ingest of the CIN census (children in need, child protection) extracts."""

from orchestration.ingest import build_ingest_assets
from sources import cin

cin_raw_tables = build_ingest_assets(
    cin.FAMILY,
    cin.CONTRACTS,
    cin.check_extracts,
    question="Which children were referred, assessed, in need, subject to section 47 enquiries or on child "
    "protection plans? Loads every collection year's CIN census XML, flattened to one raw table per module, "
    "checked against the contracts with identifiers pseudonymised.",
)
