"""airflow-sdk-taskflow: airflow.sdk imports, schedule= cron, catchup off, retries, dag.test()."""
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _grading  # noqa: E402

CHECKS = ["loads", "no_deprecation_warnings", "schedule_02_utc", "catchup_off", "retries_2x5min", "dag_test_success"]


def probe(ws, c):
    dags = c.airflow_dags("dags/daily_sales.py")
    c.no_deprecations()
    dag = dags.get("daily_sales")
    if dag is None:
        return
    c.set("schedule_02_utc", lambda: c.airflow_cron(dag) == ("0 2 * * *", "UTC"))
    c.set("catchup_off", dag.catchup is False)
    c.set("retries_2x5min", lambda: {t.task_id for t in dag.tasks} == {"extract", "transform", "load"}
          and all(t.retries == 2 and t.retry_delay == timedelta(minutes=5) for t in dag.tasks))
    c.set("dag_test_success", lambda: c.airflow_test(dag) == "success")


_grading.run(__file__, "airflow", CHECKS, probe)
