import dagster as dg


@dg.asset
def customers() -> list[str]:
    return ["ada", "grace"]
