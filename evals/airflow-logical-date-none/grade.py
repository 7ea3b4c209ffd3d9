"""airflow-logical-date-none: an asset-triggered run has logical_date None; the task must still work."""
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _grading  # noqa: E402

CHECKS = ["loads", "no_deprecation_warnings", "asset_scheduled", "no_execution_date",
          "run_without_logical_date", "report_file_written"]


def probe(ws, c):
    dags = c.airflow_dags("dags/orders_report.py")
    c.no_deprecations()
    dag = dags.get("orders_report")
    c.set("asset_scheduled", lambda: type(dag.timetable).__name__ == "AssetTriggeredTimetable")
    c.set("no_execution_date", "execution_date" not in c.source("dags/orders_report.py"))
    out = ws / "reports"
    out.mkdir()
    os.environ["REPORT_DIR"] = str(out)
    c.set("run_without_logical_date", lambda: c.airflow_test(dag, logical_date=None) == "success")
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    c.set("report_file_written", lambda: (out / f"{today}.txt").read_text() == "report")


_grading.run(__file__, "airflow", CHECKS, probe)
