"""airflow-assets: Asset (not Dataset) outlets and an asset-triggered DAG, run with logical_date=None."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _grading  # noqa: E402

CHECKS = ["loads", "no_deprecation_warnings", "producer_outlet_asset", "consumer_asset_scheduled",
          "consumer_test_success"]
URI = "file:///data/orders.csv"


def probe(ws, c):
    dags = c.airflow_dags("dags/orders_assets.py")
    c.no_deprecations()
    prod, cons = dags.get("produce_orders"), dags.get("build_report")
    c.set("producer_outlet_asset", lambda: any(getattr(o, "uri", None) == URI and type(o).__name__ == "Asset"
                                               for t in prod.tasks for o in t.outlets))
    c.set("consumer_asset_scheduled", lambda: type(cons.timetable).__name__ == "AssetTriggeredTimetable"
          and URI in repr(cons.timetable.asset_condition))
    c.set("consumer_test_success", lambda: c.airflow_test(cons, logical_date=None) == "success")


_grading.run(__file__, "airflow", CHECKS, probe)
