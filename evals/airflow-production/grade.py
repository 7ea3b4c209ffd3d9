"""airflow-production: an Airflow 2 DAG made production-ready: Airflow 3 API, retries, no catchup,
configuration from the environment, and a rerun of the same day that does not duplicate rows."""
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _grading  # noqa: E402

CHECKS = ["loads", "no_deprecation_warnings", "retries_set", "catchup_off", "run_success",
          "rows_loaded_to_DUCKDB_PATH", "rerun_idempotent"]
DAY = datetime(2024, 1, 2, tzinfo=timezone.utc)


def probe(ws, c):
    db, src = ws / "state" / "warehouse.duckdb", ws / "state" / "orders.csv"
    src.parent.mkdir()
    src.write_text("day,id,amount\n2024-01-01,1,5.0\n2024-01-02,2,7.5\n2024-01-02,3,1.0\n2024-01-03,4,2.0\n")
    os.environ.update(DUCKDB_PATH=str(db), ORDERS_CSV=str(src))
    dags = c.airflow_dags("dags/load_orders.py")
    c.no_deprecations()
    dag = dags.get("load_orders")
    c.set("retries_set", lambda: dag.tasks and all(t.retries >= 1 for t in dag.tasks))
    c.set("catchup_off", lambda: dag.catchup is False)

    def count():
        import duckdb
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute("select count(*) from orders where day = '2024-01-02'").fetchone()[0]

    if c.set("run_success", lambda: c.airflow_test(dag, logical_date=DAY) == "success"):
        c.set("rows_loaded_to_DUCKDB_PATH", lambda: count() == 2)
        c.set("rerun_idempotent", lambda: c.airflow_test(dag, logical_date=DAY) == "success" and count() == 2)


_grading.run(__file__, "airflow", CHECKS, probe)
