"""SKILL.md's Dagster block end to end: raw_orders -> stg_orders on DuckDB, with a blocking check.

argv: BLOCK_FILE. DUCKDB_PATH points at an empty temp file. Runs, in-process:
 1. the block's own job `daily_orders` (raw + staged + check);
 2. a downstream asset defined here (fct_orders, deps=[stg_orders]) with clean data: it runs;
 3. a duplicate order_id inserted into raw_orders, then stg_orders + fct_orders again: the blocking
    check fails and fct_orders is not materialized.
Prints the facts (row counts, check results, step events) as JSON.
"""

import os
import sys

import dagster as dg
import duckdb
from _common import emit, load, log

DB = os.environ["DUCKDB_PATH"]
block = load(sys.argv[1], "skill_dagster_block")


def query(sql):
    with duckdb.connect(DB, read_only=True) as con:
        return con.execute(sql).fetchall()


def summary(result):
    steps = {}
    for event in result.all_events:
        if event.step_key:
            steps.setdefault(event.step_key, []).append(event.event_type_value)
    return {
        "success": result.success,
        "materialized": sorted(e.asset_key.to_user_string() for e in result.get_asset_materialization_events()),
        "checks": [{"name": c.check_name, "passed": c.passed,
                    "metadata": {k: v.value for k, v in c.metadata.items()}}
                   for c in result.get_asset_check_evaluations()],
        "steps": steps,
    }


facts = {}
result = block.defs.resolve_job_def("daily_orders").execute_in_process()
facts["block_job"] = summary(result)
facts["block_job"]["stg_row_count_metadata"] = [
    e.materialization.metadata["dagster/row_count"].value
    for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey("stg_orders")]
facts["raw_rows"] = query("select order_id, amount::double from raw_orders order by all")
facts["stg_rows"] = query("select order_id, amount::double from stg_orders order by all")
log(f"block job: {facts['block_job']['materialized']} checks={facts['block_job']['checks']}")


@dg.asset(deps=[block.stg_orders], kinds={"duckdb"})
def fct_orders(warehouse: block.Warehouse) -> dg.MaterializeResult:
    warehouse.execute(
        "CREATE OR REPLACE TABLE fct_orders AS SELECT order_id, sum(amount) AS total FROM stg_orders GROUP BY 1")
    return dg.MaterializeResult(metadata={"rows": warehouse.scalar("SELECT count(*) FROM fct_orders")})


defs = dg.Definitions(
    assets=[block.raw_orders, block.stg_orders, fct_orders],
    asset_checks=[block.stg_orders_unique],
    jobs=[dg.define_asset_job("staged_and_downstream", selection=[block.stg_orders, fct_orders])],
    resources=block.defs.resources,
)
job = defs.resolve_job_def("staged_and_downstream")
facts["clean"] = summary(job.execute_in_process(raise_on_error=False))
facts["fct_rows_clean"] = query("select order_id, total::double from fct_orders order by all")
log(f"clean data: {facts['clean']['materialized']}")

with duckdb.connect(DB) as con:
    con.execute("INSERT INTO raw_orders VALUES (2, 99.0)")  # same order_id, other amount: survives DISTINCT
facts["dirty"] = summary(job.execute_in_process(raise_on_error=False))
facts["stg_rows_dirty"] = query("select order_id, amount::double from stg_orders order by all")
facts["fct_rows_after_dirty"] = query("select order_id, total::double from fct_orders order by all")
log(f"duplicate: {facts['dirty']['materialized']} checks={facts['dirty']['checks']} steps={facts['dirty']['steps']}")
emit(facts)
