"""Dagster resources: the DuckDB warehouse files and the extracts' landing folder."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from sources.contracts import CheckSettings

AUDIT_TABLES = ("quarantine",)


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse, written by write-audit-publish.

    A refresh builds into the candidate file beside the published one; only when every blocking check has
    passed is the candidate renamed over the published file. The audit file holds what must survive a blocked
    refresh (the quarantined rows), and is copied into the published file's `audit` schema at publish.
    DuckDB allows one writer: connections are opened per use and closed straight away.
    """

    published_path: str

    @property
    def published(self) -> Path:
        return Path(self.published_path)

    @property
    def candidate(self) -> Path:
        return self.published.with_name(f"{self.published.stem}.candidate.duckdb")

    @property
    def audit(self) -> Path:
        return self.published.with_name(f"{self.published.stem}.audit.duckdb")

    @contextmanager
    def connect(self, path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        connection = duckdb.connect(str(path), read_only=read_only)
        try:
            yield connection
        finally:
            connection.close()

    def read_candidate_table(self, table: str) -> pd.DataFrame:
        with self.connect(self.candidate, read_only=True) as connection:
            return connection.sql(f"select * from {table}").df()

    def append_audit(self, table: str, rows: pd.DataFrame) -> None:
        """Append rows to an audit table, creating it from the rows' columns the first time."""
        with self.connect(self.audit) as connection:
            connection.execute("create schema if not exists audit")
            connection.register("incoming_rows", rows)
            connection.execute(f"create table if not exists audit.{table} as select * from incoming_rows limit 0")
            connection.execute(f"insert into audit.{table} by name select * from incoming_rows")

    def publish(self) -> None:
        """Copy the audit tables into the candidate, then swap the candidate in atomically (same folder)."""
        with self.connect(self.candidate) as connection:
            connection.execute("create schema if not exists audit")
            if self.audit.exists():
                connection.execute(f"attach '{self.audit}' as audit_file (read_only)")
                present = {row[0] for row in connection.execute(
                    "select table_name from duckdb_tables() where database_name = 'audit_file'"
                ).fetchall()}
                for table in AUDIT_TABLES:
                    if table in present:
                        connection.execute(
                            f"create or replace table audit.{table} as select * from audit_file.audit.{table}"
                        )
        os.replace(self.candidate, self.published)


class Extracts(dg.ConfigurableResource):
    """Where the LA's systems drop their extract files, and what the extracts describe."""

    landing_dir: str
    la_code: str | None = None
    reference_date: str | None = None
    max_rejected_percent: float = 5.0

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)

    def check_settings(self) -> CheckSettings:
        reference = date.fromisoformat(self.reference_date) if self.reference_date else None
        return CheckSettings.for_extracts(reference, self.la_code, self.max_rejected_percent)
