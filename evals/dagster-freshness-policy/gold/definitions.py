from datetime import timedelta

import dagster as dg


@dg.asset(
    freshness_policy=dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=24), warn_window=timedelta(hours=12))
)
def orders() -> list[int]:
    return [1, 2, 3]


defs = dg.Definitions(assets=[orders])
