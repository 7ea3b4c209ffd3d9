import os
from pathlib import Path

import pendulum
from airflow.sdk import Asset, dag, get_current_context, task

orders = Asset("file:///data/orders.csv")


@dag(dag_id="orders_report", schedule=[orders], start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False)
def orders_report():
    @task
    def build_report() -> str:
        ctx = get_current_context()
        # Asset-triggered runs have no logical date in Airflow 3: fall back to when the run was due.
        when = ctx.get("logical_date") or ctx["dag_run"].run_after
        path = Path(os.environ["REPORT_DIR"]) / f"{when:%Y-%m-%d}.txt"
        path.write_text("report")
        return str(path)

    build_report()


orders_report()
