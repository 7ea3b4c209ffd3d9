import csv
from datetime import datetime

import duckdb
from airflow import DAG
from airflow.operators.python import PythonOperator


def load(execution_date, **_):
    day = execution_date.strftime("%Y-%m-%d")
    con = duckdb.connect("/tmp/warehouse.duckdb")
    con.execute("create table if not exists orders (day varchar, id integer, amount double)")
    for row in csv.DictReader(open("/data/orders.csv")):
        if row["day"] == day:
            con.execute("insert into orders values (?, ?, ?)", [day, int(row["id"]), float(row["amount"])])


with DAG("load_orders", schedule_interval="@daily", start_date=datetime(2024, 1, 1)) as dag:
    PythonOperator(task_id="load", python_callable=load)
