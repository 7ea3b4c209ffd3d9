from datetime import timedelta

import pendulum
from airflow.sdk import dag, task


@dag(
    dag_id="daily_sales",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
)
def daily_sales():
    @task
    def extract() -> list[int]:
        return [3, 4, 5]

    @task
    def transform(numbers: list[int]) -> list[int]:
        return [n * 2 for n in numbers]

    @task
    def load(numbers: list[int]) -> int:
        return sum(numbers)

    load(transform(extract()))


daily_sales()
