"""The jobs: the nightly refresh of everything, and a refresh of one extract family and what is built from it."""

import dagster as dg

from sources.families import CHECKERS

# Every job writes the one DuckDB candidate file, and DuckDB allows one writer: the run queue (dagster.yaml)
# lets one run carrying this tag go at a time, whichever job it is.
WAREHOUSE_WRITER_TAG = "csdw/warehouse_writer"
ONE_WRITER = {WAREHOUSE_WRITER_TAG: "duckdb"}

# Inside a run the steps go one after another in one process, for the same reason.
refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    tags=ONE_WRITER,
    description="The nightly refresh: ingest every extract, build, audit and publish.",
)


def family_job(family: str):
    return dg.define_asset_job(
        f"refresh_{family}",
        selection=dg.AssetSelection.groups(f"ingest_{family}").downstream(),
        executor_def=dg.in_process_executor,
        tags=ONE_WRITER,
        description=f"Reload the {family} extracts and rebuild, audit and publish what is built from them.",
    )


FAMILY_JOBS = [family_job(family) for family in CHECKERS]
JOBS = [refresh_job, *FAMILY_JOBS]
