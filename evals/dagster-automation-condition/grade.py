"""dagster-automation-condition: declarative automation with AutomationCondition, not AutoMaterializePolicy."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _grading  # noqa: E402

CHECKS = ["loads", "no_deprecation_warnings", "defs_resolve", "summary_has_automation_condition",
          "no_schedule_or_sensor_needed", "materializes"]


def probe(ws, c):
    import dagster as dg

    defs = c.dagster_defs(c.load("definitions.py"))
    c.no_deprecations()
    if defs is None:
        return
    graph = defs.resolve_asset_graph()
    node = graph.get(dg.AssetKey("orders_summary"))
    c.set("summary_has_automation_condition", lambda: node.automation_condition is not None
          and dg.AssetKey("raw_orders") in node.parent_keys)
    c.set("no_schedule_or_sensor_needed", lambda: not list(defs.schedules or []))
    c.set("materializes", lambda: dg.materialize([defs.resolve_assets_def("raw_orders"),
                                                  defs.resolve_assets_def("orders_summary")]).success)


_grading.run(__file__, "dagster", CHECKS, probe)
