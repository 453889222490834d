"""A code location for the run-queue test (tests/test_operations.py): a stand-in refresh that holds the DuckDB
warehouse open for writing for a few seconds, tagged as a warehouse writer as every job of the project is. Two of
these running at once would collide on DuckDB's one-writer lock; the queue must run them one after the other."""

import os
import time

import dagster as dg
import duckdb

from orchestration.jobs import ONE_WRITER

HOLD_SECONDS = 3


@dg.op
def write_warehouse(context: dg.OpExecutionContext) -> None:
    with duckdb.connect(os.environ["CSDW_WAREHOUSE"]) as connection:
        connection.execute("create table if not exists writes (run_id varchar, written_at timestamp)")
        connection.execute("insert into writes values (?, now())", [context.run_id])
        time.sleep(HOLD_SECONDS)


@dg.job(tags=ONE_WRITER)
def refresh():
    write_warehouse()


defs = dg.Definitions(jobs=[refresh])
