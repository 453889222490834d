"""The ingest asset of an extract family: read, check against the contracts, pseudonymise, load `raw`."""

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import pandas as pd
import pyarrow as pa

from orchestration.resources import Extracts, Warehouse
from sources.contracts import CheckSettings, ContractResult, ContractViolation, TableContract, sql_type
from sources.pseudonymise import pseudonym_key

CONTRACT_CHECK = "contract"
LINEAGE_DDL = (
    "la_code varchar, collection_year varchar, source_file varchar, source_row_number bigint, "
    "loaded_at timestamp, refresh_id varchar"
)

IO_RETRIES = 3
IO_RETRY_SECONDS = 30

CheckExtracts = Callable[[Path, bytes, CheckSettings], ContractResult]


class MissingLaCode(RuntimeError):
    """Raised when extracts would be loaded without knowing which LA they belong to."""


def candidate_run_id(context: dg.AssetExecutionContext) -> str:
    """The run whose candidate warehouse a step builds into: a re-execution carries on with its first run's."""
    return context.run.root_run_id or context.run.run_id


def raw_asset_key(contract: TableContract) -> dg.AssetKey:
    return dg.AssetKey(["raw", contract.raw_table])


def build_ingest_assets(
    family: str, contracts: tuple[TableContract, ...], check_extracts: CheckExtracts, question: str
) -> dg.AssetsDefinition:
    """One multi-asset per family: a raw table per contract, each with a blocking contract check."""
    keys = {contract.table: raw_asset_key(contract) for contract in contracts}

    @dg.multi_asset(
        name=f"{family}_raw_tables",
        description=question,
        specs=[
            dg.AssetSpec(
                keys[contract.table],
                group_name=f"ingest_{family}",
                kinds={"duckdb", "pandas"},
                description=f"The {family} {contract.table} table as extracted, checked, pseudonymised, with lineage.",
            )
            for contract in contracts
        ],
        check_specs=[
            dg.AssetCheckSpec(
                CONTRACT_CHECK,
                asset=key,
                blocking=True,
                description="The pandera contract: required columns, mandatory fields, code lists by collection "
                "year, date logic, identifiers, keys, cross-table rules, and the rejected-rows threshold.",
            )
            for key in keys.values()
        ],
    )
    def ingest(context: dg.AssetExecutionContext, extracts: Extracts, warehouse: Warehouse):
        if not extracts.la_code:
            raise MissingLaCode(
                "CSDW_LA_CODE is not set: the LA's old 3-digit code (e.g. 838) says whose extracts these are."
            )
        try:
            result = check_extracts(extracts.landing, pseudonym_key(), extracts.check_settings())
        except OSError as error:
            # The landing folder is often a network share that drops out for a moment: try again, waiting longer
            # each time. A broken extract is a ContractViolation below, a gate, and is never retried.
            raise dg.RetryRequested(
                max_retries=IO_RETRIES, seconds_to_wait=IO_RETRY_SECONDS * 2**context.retry_number
            ) from error
        refresh_id = context.run.run_id
        context.log.info(
            f"{family}: {len(result.files_read)} file(s) read, {sum(result.rows_read.values())} rows, "
            f"{sum(result.rows_rejected.values())} rejected, {len(result.warnings)} repaired, "
            f"{len(result.blocking_faults)} blocking fault(s)"
        )
        quarantine = result.quarantine_frame()
        if not quarantine.empty:
            warehouse.append_audit("quarantine", _with_refresh(quarantine, refresh_id))
        yield from _contract_check_results(result, contracts, keys)
        if result.blocking_faults:
            raise ContractViolation(family, result.blocking_faults + result.rejected_faults,
                                    kept_in=f"audit.quarantine in {warehouse.audit}")
        warehouse.start_candidate(candidate_run_id(context))
        with warehouse.connect(warehouse.candidate) as connection:
            # No model relies on the order of a raw table's rows, and keeping it slows the writing of a large one
            # (large's CCIS months: 3.6 s against 4.1 s), as in the dbt profile.
            connection.execute("set preserve_insertion_order = false")
            connection.execute("create schema if not exists raw")
            for contract in contracts:
                rows = result.tables.get(contract.table)
                write_raw_table(connection, contract, rows, refresh_id)
                yield dg.MaterializeResult(
                    asset_key=keys[contract.table],
                    metadata={
                        "rows": 0 if rows is None else len(rows),
                        "rows_read": result.rows_read.get(contract.table, 0),
                        "rows_rejected": result.rows_rejected.get(contract.table, 0),
                    },
                )

    return ingest


def _contract_check_results(result: ContractResult, contracts, keys):
    for contract in contracts:
        faults = [fault for fault in result.faults if fault.table == contract.table]
        blocking = [fault for fault in faults if fault in result.blocking_faults]
        yield dg.AssetCheckResult(
            asset_key=keys[contract.table],
            check_name=CONTRACT_CHECK,
            passed=not blocking,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "rows_read": result.rows_read.get(contract.table, 0),
                "rows_rejected": result.rows_rejected.get(contract.table, 0),
                "repaired": sum(fault.severity == "warning" for fault in faults),
                "blocking_faults": [fault.describe() for fault in blocking],
                "rules_broken": sorted({fault.rule for fault in faults}),
            },
        )


def _with_refresh(quarantine: pd.DataFrame, refresh_id: str) -> pd.DataFrame:
    quarantine.insert(0, "refresh_id", refresh_id)
    quarantine["quarantined_at"] = datetime.now(timezone.utc).replace(tzinfo=None)
    return quarantine


def write_raw_table(connection, contract: TableContract, rows: pa.Table | None, refresh_id: str) -> None:
    """Replace the raw table with this refresh's rows; an absent file gives an empty table, so dbt still builds
    and the quality gates, not a missing table, say what is wrong."""
    columns = [f"{f.name} {sql_type(f)}" for f in contract.loaded_fields]
    table = f"raw.{contract.raw_table}"
    connection.execute(f"create or replace table {table} ({', '.join(columns)}, {LINEAGE_DDL})")
    if rows is None or rows.num_rows == 0:
        return
    connection.register("incoming_rows", rows)
    connection.execute(
        f"insert into {table} by name "
        "select *, current_timestamp as loaded_at, ? as refresh_id from incoming_rows",
        [refresh_id],
    )
    connection.unregister("incoming_rows")
