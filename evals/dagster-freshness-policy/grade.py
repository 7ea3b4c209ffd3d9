"""dagster-freshness-policy: the new FreshnessPolicy.time_window(fail_window=, warn_window=) on the asset."""
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _grading  # noqa: E402

CHECKS = ["loads", "no_deprecation_warnings", "defs_resolve", "fail_window_24h", "warn_window_12h", "materializes"]


def probe(ws, c):
    import dagster as dg

    defs = c.dagster_defs(c.load("definitions.py"))
    c.no_deprecations()
    if defs is None:
        return
    spec = next(s for s in defs.resolve_all_asset_specs() if s.key == dg.AssetKey("orders"))
    policy = spec.freshness_policy
    c.set("fail_window_24h", lambda: policy.fail_window.to_timedelta() == timedelta(hours=24))
    c.set("warn_window_12h", lambda: policy.warn_window.to_timedelta() == timedelta(hours=12))
    c.set("materializes", lambda: dg.materialize([defs.resolve_assets_def("orders")]).success)


_grading.run(__file__, "dagster", CHECKS, probe)
