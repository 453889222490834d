"""Dagster resources: the DuckDB warehouse files and the extracts' landing folder."""

import gc
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pyarrow as pa

from orchestration import refresh_inputs
from sources.contracts import CheckSettings

AUDIT_TABLES = ("quarantine", "refresh_log", "check_results")
ROWS_PER_BATCH = 1_000_000
# Each slice is one Great Expectations validation, with its fixed cost. At large, fct_neet_monthly (4.7 million
# rows) peaked at 2.4 GB in slices of 2 million rows, as read whole; at 2.9 GB in slices of 4 million.
ROWS_PER_SLICE = 2_000_000
SUITE_PANDAS_TYPES = {pa.bool_(): pd.BooleanDtype(), pa.string(): pd.ArrowDtype(pa.string())}


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse, written by write-audit-publish.

    A refresh builds into the candidate file beside the published one; only when every blocking check has
    passed is the candidate renamed over the published file. The audit file holds what must survive a blocked
    refresh (the quarantined rows), and is copied into the published file's `audit` schema at publish.
    DuckDB allows one writer: connections are opened per use and closed straight away.
    """

    published_path: str
    max_row_count_change_percent: float = 25.0
    movement_warn_factor: float = 1.5
    movement_block_factor: float = 3.0
    movement_small_count: float = 5.0

    @property
    def published(self) -> Path:
        return Path(self.published_path)

    @property
    def candidate(self) -> Path:
        return self.published.with_name(f"{self.published.stem}.candidate.duckdb")

    @property
    def audit(self) -> Path:
        return self.published.with_name(f"{self.published.stem}.audit.duckdb")

    @property
    def previous(self) -> Path:
        """The publish before the current one, kept for `csdw rollback`."""
        return self.published.with_name(f"{self.published.name}.previous")

    @property
    def reports(self) -> Path:
        """Where each refresh's gate report is written."""
        return self.published.parent / "reports"

    @contextmanager
    def connect(self, path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        connection = duckdb.connect(str(path), read_only=read_only)
        try:
            yield connection
        finally:
            connection.close()

    @property
    def candidate_run(self) -> Path:
        """Names the run that began the candidate."""
        return self.candidate.with_name(f"{self.candidate.name}.run")

    def start_candidate(self, run_id: str) -> None:
        """Begin the candidate as a copy of the published warehouse, once per run: a refresh that reloads some
        families then finds the other families' tables, the reference seeds and the marts it does not rebuild.
        `run_id` is the run's root (a re-execution from failure carries on with its run's candidate); a candidate
        left by any other run is never carried on, since its half-built tables were never audited."""
        if self.candidate.exists() and self.candidate_run.exists() and self.candidate_run.read_text() == run_id:
            return
        self.candidate.unlink(missing_ok=True)
        if self.published.exists():
            # Copied under another name and renamed, so a copy cut short is never taken for a candidate.
            staging = self.candidate.with_name(f"{self.candidate.name}.tmp")
            shutil.copyfile(self.published, staging)
            os.replace(staging, self.candidate)
        self.candidate_run.parent.mkdir(parents=True, exist_ok=True)
        self.candidate_run.write_text(run_id)

    def read_candidate_table(self, table: str, columns: list[str] | None = None, text_as_hashes: bool = False) -> pd.DataFrame:
        """A candidate table as pandas (all its columns, or `columns`), for the Great Expectations suites (which
        cannot read DuckDB directly).

        Streamed through Arrow a million rows at a time: DuckDB's own `.df()` goes through Python strings and
        peaked at 6 GB for a 1 GB frame (4.6 million CCIS rows at large); Arrow read whole at 2.6 GB, streamed at
        1.4 GB (bench/notes.md). Dates become nanosecond datetimes and integers 64-bit numbers (floats where a
        column holds NULLs): Great Expectations compares only those types as whole columns, and calls a Python
        function per value on any other (17 s for one date column of CCIS at large). Text stays Arrow's (a uniqueness
        check of CCIS's ids peaked 0.3 GB lower than on pandas' own strings), decimals become floats, booleans
        pandas' nullable booleans.

        `text_as_hashes` reads each text column as a 63-bit hash of its values (NULL too has one), for checking a
        key for uniqueness in 8 bytes a value: rows with equal values have equal hashes, so a key whose hashes are
        unique is unique."""
        with self.connect(self.candidate, read_only=True) as connection:
            return _suite_frame(_select(connection, table, columns, text_as_hashes).read_all())

    def read_candidate_slices(self, table: str, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
        """A candidate table as `read_candidate_table` reads it, a slice of rows at a time (at least one slice,
        empty for an empty table), for the expectations that hold of each row on its own: a regional pool's
        largest mart is never all in memory."""
        with self.connect(self.candidate, read_only=True) as connection:
            reader = _select(connection, table, columns)
            batches, rows, sliced = [], 0, False
            for batch in reader:
                batches.append(batch)
                rows += batch.num_rows
                if rows >= ROWS_PER_SLICE:
                    if sliced:
                        # Great Expectations leaves reference cycles holding the slice it validated: collected
                        # before the next is made, or a regional pool's slices piled up (4.7 GB at the peak for
                        # fct_neet_monthly, 2.7 GB so).
                        gc.collect()
                    yield _suite_frame(pa.Table.from_batches(batches))
                    batches, rows, sliced = [], 0, True
            if batches or not sliced:
                yield _suite_frame(pa.Table.from_batches(batches, schema=reader.schema))

    def read_published_table(self, table: str) -> pd.DataFrame | None:
        """A table of the last published warehouse; None before the first publish or for a new table."""
        return self._query_published(f"select * from {table}")

    def published_row_count(self, table: str) -> int | None:
        """Rows of a table in the last published warehouse; None before the first publish or for a new table."""
        counted = self._query_published(f"select count(*) as row_count from {table}")
        return None if counted is None else int(counted["row_count"].iloc[0])

    def _query_published(self, query: str) -> pd.DataFrame | None:
        if not self.published.exists():
            return None
        with self.connect(self.published, read_only=True) as connection:
            try:
                return connection.sql(query).df()
            except duckdb.CatalogException:
                return None

    def append_audit(self, table: str, rows: pd.DataFrame) -> None:
        """Append rows to an audit table, creating it from the rows' columns the first time."""
        with self.connect(self.audit) as connection:
            connection.execute("create schema if not exists audit")
            connection.register("incoming_rows", rows)
            connection.execute(f"create table if not exists audit.{table} as select * from incoming_rows limit 0")
            connection.execute(f"insert into audit.{table} by name select * from incoming_rows")

    def publish(self, inputs: dict[str, str], refresh_id: str) -> None:
        """Copy the audit tables and the hashes of what the candidate was built from (orchestration/refresh_inputs.py)
        into the candidate, then swap the candidate in atomically (same folder)."""
        with self.connect(self.candidate) as connection:
            refresh_inputs.store(connection, inputs, refresh_id)
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
        # A hard link keeps the outgoing file as `.previous` without ever removing the published name: readers
        # holding it open keep their view, and a crash at any point leaves a readable published file.
        if self.published.exists():
            _replace_by_link(self.published, self.previous)
        os.replace(self.candidate, self.published)
        self.candidate_run.unlink(missing_ok=True)

    def rollback(self) -> None:
        """Swap the previous publish back in; the one rolled back becomes `.previous` (so rollback can be undone)."""
        if not self.previous.exists():
            raise NothingToRollBack(f"no previous publish at {self.previous}")
        outgoing = self.published.with_name(f"{self.published.name}.rollback")
        _replace_by_link(self.published, outgoing)
        os.replace(self.previous, self.published)
        os.replace(outgoing, self.previous)


class NothingToRollBack(RuntimeError):
    """Raised when there is no earlier publish to return to."""


def _replace_by_link(source: Path, target: Path) -> None:
    """Make `target` another name of `source`'s file, atomically replacing any old `target`."""
    staging = target.with_name(f"{target.name}.tmp")
    staging.unlink(missing_ok=True)
    os.link(source, staging)
    os.replace(staging, target)


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


def _select(connection: duckdb.DuckDBPyConnection, table: str, columns: list[str] | None,
            text_as_hashes: bool = False) -> pa.RecordBatchReader:
    selected = ", ".join(f'"{column}"' for column in columns) if columns else "*"
    rows = connection.sql(f"select {selected} from {table}")
    if text_as_hashes:
        # Shifted into a signed 64-bit integer, the type the suites read whole numbers as.
        rows = rows.project(", ".join(
            f'(hash("{name}") >> 1)::bigint as "{name}"' if str(column_type) == "VARCHAR" else f'"{name}"'
            for name, column_type in zip(rows.columns, rows.types)
        ))
    return rows.to_arrow_reader(ROWS_PER_BATCH)


def _suite_frame(rows: pa.Table) -> pd.DataFrame:
    """Rows typed for the suites (Warehouse.read_candidate_table says why)."""
    for index, column in enumerate(rows.schema):
        wanted = _suite_type(column.type)
        if wanted != column.type:
            try:
                rows = rows.set_column(index, column.with_type(wanted), rows.column(index).cast(wanted))
            except pa.ArrowInvalid:
                pass  # a date after 2262 has no nanosecond datetime: it stays a date, checked value by value
    return rows.to_pandas(date_as_object=False, types_mapper=SUITE_PANDAS_TYPES.get)


def _suite_type(arrow_type: pa.DataType) -> pa.DataType:
    """The Arrow type a column is read as for the suites (Warehouse.read_candidate_table says why)."""
    if pa.types.is_date(arrow_type) or pa.types.is_timestamp(arrow_type):
        return pa.timestamp("ns", tz=getattr(arrow_type, "tz", None))
    if pa.types.is_integer(arrow_type):
        return pa.int64()
    if pa.types.is_decimal(arrow_type):
        return pa.float64()
    return arrow_type
