"""Ingest of the SSDA903 (children looked after) extracts."""

from datetime import datetime, timezone

import dagster as dg
import pandas as pd

from orchestration.resources import Extracts, Warehouse
from sources import ssda903
from sources.contracts import ContractResult, ContractViolation, TableContract
from sources.pseudonymise import pseudonym_key

RAW_KEYS = {contract.table: dg.AssetKey(["raw", contract.raw_table]) for contract in ssda903.CONTRACTS}
CONTRACT_CHECK = "contract"


class MissingLaCode(RuntimeError):
    """Raised when extracts would be loaded without knowing which LA they belong to."""


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            group_name="ingest_ssda903",
            kinds={"duckdb", "pandas"},
            description=f"The SSDA903 {table} table as extracted, checked, pseudonymised and with its lineage.",
        )
        for table, key in RAW_KEYS.items()
    ],
    check_specs=[
        dg.AssetCheckSpec(
            CONTRACT_CHECK,
            asset=key,
            blocking=True,
            description="The pandera contract: required columns, mandatory fields, code lists, date logic, keys.",
        )
        for key in RAW_KEYS.values()
    ],
)
def ssda903_raw_tables(context: dg.AssetExecutionContext, extracts: Extracts, warehouse: Warehouse):
    """Which children were looked after, in which episodes? Reads the SSDA903 header and episodes CSV files
    from the landing folder, checks them against their contracts, pseudonymises CHILD and UPN, and loads them
    into `raw`. A broken contract stops the refresh: the rejected rows go to `audit.quarantine` with their
    file, row, field and rule, and nothing is published."""
    if not extracts.la_code:
        raise MissingLaCode("CSDW_LA_CODE is not set: the LA's old 3-digit code (e.g. 838) says whose extracts these are.")
    result = ssda903.check_extracts(extracts.landing, pseudonym_key())
    context.log.info(
        f"SSDA903: read {len(result.files_read)} file(s), skipped {len(result.files_skipped)} unrecognised, "
        f"{len(result.faults)} contract fault(s)"
    )
    for skipped in result.files_skipped:
        context.log.warning(f"SSDA903: {skipped} is not a table this warehouse loads yet; it was skipped")
    yield from _contract_check_results(result)
    if result.faults:
        warehouse.append_audit("quarantine", _quarantine_rows(result, context.run.run_id))
        raise ContractViolation("SSDA903", result.faults, kept_in=f"audit.quarantine in {warehouse.audit}")
    with warehouse.connect(warehouse.candidate) as connection:
        connection.execute("create schema if not exists raw")
        for contract in ssda903.CONTRACTS:
            rows = result.tables.get(contract.table)
            _write_raw_table(connection, contract, rows, extracts.la_code, context.run.run_id)
            yield dg.MaterializeResult(
                asset_key=RAW_KEYS[contract.table],
                metadata={"rows": 0 if rows is None else len(rows), "files": sorted(set(result.files_read))},
            )


def _contract_check_results(result: ContractResult):
    for contract in ssda903.CONTRACTS:
        faults = [fault for fault in result.faults if fault.table == contract.table]
        yield dg.AssetCheckResult(
            asset_key=RAW_KEYS[contract.table],
            check_name=CONTRACT_CHECK,
            passed=not faults,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "faults": len(faults),
                "rules_broken": sorted({fault.rule for fault in faults}),
                "rows_checked": len(result.tables.get(contract.table, ())),
            },
        )


def _quarantine_rows(result: ContractResult, refresh_id: str) -> pd.DataFrame:
    rows = result.quarantine_frame()
    rows.insert(0, "refresh_id", refresh_id)
    rows["quarantined_at"] = datetime.now(timezone.utc).replace(tzinfo=None)
    return rows


def _write_raw_table(connection, contract: TableContract, rows: pd.DataFrame | None, la_code: str, refresh_id: str):
    """Replace the raw table with this refresh's rows; an absent file gives an empty table, so dbt still builds
    and the quality gates, not a missing table, say what is wrong."""
    columns = [f"{f.name} {'date' if f.is_date else 'varchar'}" for f in contract.fields]
    lineage = "la_code varchar, source_file varchar, source_row_number bigint, loaded_at timestamp, refresh_id varchar"
    table = f"raw.{contract.raw_table}"
    connection.execute(f"create or replace table {table} ({', '.join(columns)}, {lineage})")
    if rows is None or rows.empty:
        return
    connection.register("incoming_rows", rows)
    connection.execute(
        f"insert into {table} by name "
        "select *, ? as la_code, current_timestamp as loaded_at, ? as refresh_id from incoming_rows",
        [la_code, refresh_id],
    )
    connection.unregister("incoming_rows")
