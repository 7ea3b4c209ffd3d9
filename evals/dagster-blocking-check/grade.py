"""dagster-blocking-check: an asset check with blocking=True stops the downstream asset on bad data."""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _grading  # noqa: E402

CHECKS = ["loads", "no_deprecation_warnings", "defs_resolve", "check_is_blocking", "good_data_materializes",
          "bad_data_blocks_downstream"]


def probe(ws, c):
    import dagster as dg

    defs = c.dagster_defs(c.load("definitions.py"))
    c.no_deprecations()
    if defs is None:
        return
    key = dg.AssetCheckKey(dg.AssetKey("orders"), "orders_have_ids")
    c.set("check_is_blocking", lambda: defs.resolve_asset_graph().get_check_spec(key).blocking)

    def run(csv_text):
        (ws / "run.csv").write_text(csv_text)
        os.environ["ORDERS_CSV"] = str(ws / "run.csv")
        job = defs.resolve_implicit_global_asset_job_def()
        result = job.execute_in_process(raise_on_error=False)
        return {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}

    c.set("good_data_materializes", lambda: run("id,amount\n1,5.0\n2,7.5\n") == {"orders", "order_totals"})
    c.set("bad_data_blocks_downstream", lambda: run("id,amount\n1,5.0\n,7.5\n") == {"orders"})


_grading.run(__file__, "dagster", CHECKS, probe)
