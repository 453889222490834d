"""The ingest assets of every family: load `raw` with lineage, idempotently."""

import dagster as dg
import duckdb

from orchestration.definitions import INGEST_ASSETS
from orchestration.resources import Extracts, Warehouse
from tests.conftest import TEST_LA_CODE, episode, write_table
from tests.test_cin_contract import child, cin_xml
from tests.test_nccis_workforce_contracts import CCIS_COLUMNS, WORKER_COLUMNS, ccis_row, worker
from tests.test_sen2_contract import person, sen2_xml

LINEAGE = {"la_code", "collection_year", "source_file", "source_row_number", "loaded_at", "refresh_id"}


def land_every_family(settings, write_ssda903) -> None:
    write_ssda903([episode("CHILD1", "01/04/2024"), episode("CHILD2", "01/05/2024", "01/06/2024", "E4A")])
    for family, text in (("cin", cin_xml(child("CHILD1"))), ("sen2", sen2_xml(person()))):
        (settings.landing_dir / family).mkdir(parents=True)
        (settings.landing_dir / family / f"{family}.xml").write_text(text)
    write_table(settings.landing_dir / "nccis" / "ccis_2025-01.csv", CCIS_COLUMNS, [ccis_row()])
    write_table(settings.landing_dir / "workforce" / "workers.csv", WORKER_COLUMNS, [worker()])


def ingest(settings) -> dict[str, list[tuple]]:
    warehouse = Warehouse(published_path=str(settings.warehouse_path))
    result = dg.materialize(
        INGEST_ASSETS,
        resources={"warehouse": warehouse, "extracts": Extracts(landing_dir=str(settings.landing_dir), la_code=TEST_LA_CODE)},
    )
    assert result.success
    with duckdb.connect(str(warehouse.candidate), read_only=True) as connection:
        tables = [row[0] for row in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' order by 1"
        ).fetchall()]
        return {
            table: sorted(
                connection.execute(
                    f"select * exclude (loaded_at, refresh_id) from raw.{table}"
                ).fetchall(),
                key=str,
            )
            for table in tables
        }


def test_every_family_loads_into_raw_with_lineage(settings, write_ssda903):
    land_every_family(settings, write_ssda903)

    raw = ingest(settings)

    counts = {table: len(rows) for table, rows in raw.items() if rows}
    assert counts["ssda903_episodes"] == 2
    assert counts["cin_details"] == 1 and counts["cin_child_protection_plans"] == 1
    assert counts["sen2_person"] == 1
    assert counts["nccis_activity"] == 1 and counts["workforce_workers"] == 1
    with duckdb.connect(str(settings.warehouse_path.with_name("csdw.candidate.duckdb")), read_only=True) as connection:
        columns = {row[0] for row in connection.execute(
            "select column_name from information_schema.columns where table_name = 'cin_details'"
        ).fetchall()}
        la_codes = connection.execute("select distinct la_code from raw.ssda903_episodes").fetchall()
    assert LINEAGE <= columns
    assert la_codes == [(TEST_LA_CODE,)]


def test_ingesting_the_same_files_again_gives_the_same_raw_tables(settings, write_ssda903):
    land_every_family(settings, write_ssda903)

    first, second = ingest(settings), ingest(settings)

    assert first == second
    assert sum(len(rows) for rows in first.values()) > 0
