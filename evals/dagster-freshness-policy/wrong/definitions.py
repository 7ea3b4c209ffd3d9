import dagster as dg


@dg.asset(freshness_policy=dg.FreshnessPolicy(maximum_lag_minutes=24 * 60))
def orders() -> list[int]:
    return [1, 2, 3]


defs = dg.Definitions(assets=[orders])
