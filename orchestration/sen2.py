"""Ingest of the SEN2 (education, health and care plans) extracts."""

from orchestration.ingest import build_ingest_assets
from sources import sen2

sen2_raw_tables = build_ingest_assets(
    sen2.FAMILY,
    sen2.CONTRACTS,
    sen2.check_extracts,
    question="Which children and young people asked for an EHC needs assessment, were assessed, and hold an EHC "
    "plan, and how quickly was it issued? Loads every SEN2 census file, flattened to one raw table per module, "
    "names dropped and identifiers pseudonymised.",
)
