import csv
import os
from datetime import timedelta

import duckdb
import pendulum
from airflow.sdk import dag, get_current_context, task


@dag(
    dag_id="load_orders",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 3, "retry_delay": timedelta(minutes=5), "retry_exponential_backoff": True},
)
def load_orders():
    @task
    def load() -> int:
        ctx = get_current_context()
        when = ctx.get("logical_date") or ctx["dag_run"].run_after
        day = when.strftime("%Y-%m-%d")
        with open(os.environ["ORDERS_CSV"], newline="") as f:
            rows = [(day, int(r["id"]), float(r["amount"])) for r in csv.DictReader(f) if r["day"] == day]
        with duckdb.connect(os.environ["DUCKDB_PATH"]) as con:
            con.execute("create table if not exists orders (day varchar, id integer, amount double)")
            if rows:
                con.executemany("insert into orders values (?, ?, ?)", rows)
        return len(rows)

    load()


load_orders()
