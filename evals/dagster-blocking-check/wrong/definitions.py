import csv
import os

import dagster as dg


@dg.asset
def orders() -> list[dict]:
    with open(os.environ.get("ORDERS_CSV", "orders.csv"), newline="") as f:
        return list(csv.DictReader(f))


@dg.asset_check(asset=orders)
def orders_have_ids(orders: list[dict]) -> dg.AssetCheckResult:
    missing = sum(1 for row in orders if not row["id"])
    return dg.AssetCheckResult(passed=missing == 0, metadata={"missing_ids": missing})


@dg.asset
def order_totals(orders: list[dict]) -> float:
    return sum(float(row["amount"]) for row in orders)


defs = dg.Definitions(assets=[orders, order_totals], asset_checks=[orders_have_ids])
