import dagster as dg


@dg.asset
def raw_orders() -> list[int]:
    return [1, 2, 3]


@dg.asset(automation_condition=dg.AutomationCondition.eager())
def orders_summary(raw_orders: list[int]) -> int:
    return sum(raw_orders)


defs = dg.Definitions(assets=[raw_orders, orders_summary])
