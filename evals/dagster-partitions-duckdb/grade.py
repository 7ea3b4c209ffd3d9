"""dagster-partitions-duckdb: "production-ready" means daily partitions, retries, the database from the
environment through a resource, and a rerun of a partition that replaces rather than duplicates its rows."""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _grading  # noqa: E402

CHECKS = ["loads", "no_deprecation_warnings", "defs_resolve", "daily_partitions_2024_01_01", "retry_policy_set",
          "rows_loaded_to_DUCKDB_PATH", "rerun_partition_idempotent"]


def probe(ws, c):
    import dagster as dg

    db, src = ws / "state" / "warehouse.duckdb", ws / "state" / "orders.csv"
    src.parent.mkdir()
    src.write_text("day,id,amount\n2024-01-01,1,5.0\n2024-01-02,2,7.5\n2024-01-02,3,1.0\n2024-01-03,4,2.0\n")
    os.environ.update(DUCKDB_PATH=str(db), ORDERS_CSV=str(src))
    defs = c.dagster_defs(c.load("definitions.py"))
    c.no_deprecations()
    if defs is None:
        return
    asset = defs.resolve_assets_def("daily_orders")
    c.set("daily_partitions_2024_01_01", lambda: isinstance(asset.partitions_def, dg.DailyPartitionsDefinition)
          and asset.partitions_def.get_first_partition_key() == "2024-01-01")
    c.set("retry_policy_set", lambda: asset.op.retry_policy is not None and asset.op.retry_policy.max_retries >= 1)

    def run(key):
        job = defs.resolve_implicit_global_asset_job_def()
        return job.execute_in_process(partition_key=key, raise_on_error=False).success

    def count():
        import duckdb
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute("select count(*) from daily_orders where day = '2024-01-02'").fetchone()[0]

    if run("2024-01-02"):
        c.set("rows_loaded_to_DUCKDB_PATH", lambda: count() == 2)
        c.set("rerun_partition_idempotent", lambda: run("2024-01-02") and count() == 2)


_grading.run(__file__, "dagster", CHECKS, probe)
