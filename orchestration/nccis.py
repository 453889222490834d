"""Ingest of the CCIS monthly activity extracts (NEET and participation)."""

from orchestration.ingest import build_ingest_assets
from sources import nccis

nccis_raw_tables = build_ingest_assets(
    nccis.FAMILY,
    nccis.CONTRACTS,
    nccis.check_extracts,
    question="What are the LA's 16-17 year olds doing each month: in education, employment or training, NEET, or "
    "not known? Loads the CCIS month-end activity files, checked against their contract.",
)
