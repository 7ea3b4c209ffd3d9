import pendulum
from airflow.sdk import Asset, dag, task

orders = Asset("file:///data/orders.csv")


@dag(dag_id="produce_orders", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False)
def produce_orders():
    @task(outlets=[orders])
    def write_orders() -> None:
        print("orders written")

    write_orders()


@dag(dag_id="build_report", schedule=[orders], start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False)
def build_report():
    @task
    def report() -> str:
        return "ok"

    report()


produce_orders()
build_report()
