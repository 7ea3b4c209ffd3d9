"""templates/dagster/trifecta_definitions.py.j2 (rendered with its examples) end to end:
dlt (in-memory source) -> DuckDB -> dbt-duckdb models, in one in-process run.

argv: RENDERED_FILE SOURCE_NAME DATASET. The rendered file sits next to the prepared fixture dbt
project (tests/fixtures/jaffle_dbt with target/manifest.json); dbt is on PATH; DUCKDB_PATH is set.
 1. definitions validate; every dbt model's upstream dlt table is a materializable dlt asset;
 2. materialize everything: dlt finishes before dbt starts, the dbt tests (asset checks) pass,
    the mart holds its rows;
 3. the dlt asset alone again: merge on the primary key keeps the row counts (no duplicates);
 4. the same dlt asset (same keys, translator and pipeline) whose `charges` resource raises:
    the run fails and dbt never starts, the mart is unchanged.
"""

import os
import sys

import dagster as dg
import dlt
import duckdb
from _common import emit, load, log
from dagster_dlt import DagsterDltResource, dlt_assets

path, source_name, dataset = sys.argv[1:4]
mod = load(path, "trifecta_template")
defs = mod.defs
dg.Definitions.validate_loadable(defs)
dlt_defs = getattr(mod, f"{source_name}_dlt_assets")
dbt_defs = mod.dbt_models
graph = defs.resolve_asset_graph()
facts = {
    "dlt_keys": sorted(k.to_user_string() for k in dlt_defs.keys),
    "dbt_keys": sorted(k.to_user_string() for k in dbt_defs.keys),
    "dbt_parents": {k.to_user_string(): sorted(p.to_user_string() for p in graph.get(k).parent_keys)
                    for k in dbt_defs.keys},
    "check_keys": sorted(c.to_user_string() for c in graph.asset_check_keys),
}
log(f"graph: {facts}")


def db(sql):
    with duckdb.connect(os.environ["DUCKDB_PATH"], read_only=True) as con:
        return con.execute(sql).fetchall()


def steps_of(result):
    steps = {}
    for event in result.all_events:
        if event.step_key:
            steps.setdefault(event.step_key, []).append(event.event_type_value)
    return steps


def raw_counts():
    return {t: db(f"select count(*) from {dataset}.{t}")[0][0] for t in ("customers", "charges")}


def mart():
    return db("select customer_id, customer_name, succeeded_charges, revenue_usd::double"
              " from main.customer_revenue order by customer_id")


result = dg.materialize([dlt_defs, dbt_defs], resources=defs.resources, raise_on_error=False)
order = [f"{e.event_type_value}:{e.step_key}" for e in result.all_events if e.step_key]
dlt_step, dbt_step = dlt_defs.op.name, dbt_defs.op.name
facts["run"] = {
    "success": result.success,
    "materialized": sorted(e.asset_key.to_user_string() for e in result.get_asset_materialization_events()),
    "checks": sorted((c.asset_check_key.to_user_string(), c.passed) for c in result.get_asset_check_evaluations()),
    "dlt_done_before_dbt_starts": (f"STEP_SUCCESS:{dlt_step}" in order and f"STEP_START:{dbt_step}" in order
                                   and order.index(f"STEP_SUCCESS:{dlt_step}") < order.index(f"STEP_START:{dbt_step}")),
    "steps": steps_of(result),
}
if result.success:
    facts["mart"] = mart()
    facts["raw_counts"] = raw_counts()
    facts["raw"] = {"customers": db(f"select id, name from {dataset}.customers order by id"),
                    "charges": db(f"select id, customer_id, amount, status from {dataset}.charges order by id")}
log(f"full run: {facts['run']['materialized']} mart={facts.get('mart')}")

again = dg.materialize([dlt_defs], resources=defs.resources, raise_on_error=False)
facts["dlt_again"] = {"success": again.success, "raw_counts": raw_counts()}
log(f"dlt again: {facts['dlt_again']}")


@dlt.source(name=source_name)
def failing_source():
    @dlt.resource(primary_key="id", write_disposition="merge")
    def customers():
        yield {"id": 1, "name": "Ada"}

    @dlt.resource(primary_key="id", write_disposition="merge")
    def charges():
        raise RuntimeError("Stripe API returned 503")
        yield  # a generator, like the real resource

    return customers, charges


@dlt_assets(dlt_source=failing_source(), dlt_pipeline=getattr(mod, f"{source_name}_pipeline"),
            name=dlt_step, dagster_dlt_translator=mod.DatasetTableTranslator())
def failing_dlt_assets(context: dg.AssetExecutionContext, dlt_resource: DagsterDltResource):
    yield from dlt_resource.run(context=context, dlt_source=failing_source())


failed = dg.materialize([failing_dlt_assets, dbt_defs], resources=defs.resources, raise_on_error=False)
facts["failing"] = {
    "same_keys": set(failing_dlt_assets.keys) == set(dlt_defs.keys),
    "success": failed.success,
    "steps": steps_of(failed),
    "materialized": sorted(e.asset_key.to_user_string() for e in failed.get_asset_materialization_events()),
    "mart": mart() if result.success else None,
}
log(f"failing dlt: {facts['failing']}")
facts["dlt_step"], facts["dbt_step"] = dlt_step, dbt_step
emit(facts)
