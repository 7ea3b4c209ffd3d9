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
        path = Path(os.environ["REPORT_DIR"]) / f"{ctx['logical_date']:%Y-%m-%d}.txt"
        path.write_text("report")
        return str(path)

    build_report()


orders_report()
