import csv
import os

import dagster as dg
from dagster_duckdb import DuckDBResource

daily = dg.DailyPartitionsDefinition(start_date="2024-01-01")


@dg.asset(partitions_def=daily, retry_policy=dg.RetryPolicy(max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL))
def daily_orders(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    day = context.partition_key
    with open(os.environ["ORDERS_CSV"], newline="") as f:
        rows = [(day, int(r["id"]), float(r["amount"])) for r in csv.DictReader(f) if r["day"] == day]
    with duckdb.get_connection() as con:
        con.execute("create table if not exists daily_orders (day varchar, id integer, amount double)")
        if rows:
            con.executemany("insert into daily_orders values (?, ?, ?)", rows)
    return dg.MaterializeResult(metadata={"rows": len(rows)})


defs = dg.Definitions(assets=[daily_orders], resources={"duckdb": DuckDBResource(database=dg.EnvVar("DUCKDB_PATH"))})
