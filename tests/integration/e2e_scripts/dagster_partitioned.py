"""templates/dagster/partitioned_asset.py.j2 (rendered with its examples), backfilled over ranges.

argv: RENDERED_FILE JOB_NAME TABLE. Each range is ONE in-process run of the asset job with the
dagster/asset_partition_range_start/end tags, the way a BackfillPolicy.single_run() backfill
launches it (job.execute_in_process has no partition-range argument in 1.13). Ranges:
2024-01-01...2024-01-05, then the overlapping 2024-01-04...2024-01-07 (idempotent window rewrite),
then the single partition 2024-01-10. Prints rows per day and the materialized partitions.
"""

import os
import sys

import duckdb
from _common import emit, load, log

path, job_name, table = sys.argv[1:4]
module = load(path, "partitioned_template")
job = module.defs.resolve_job_def(job_name)


def run(start, end=None):
    if end is None:
        result = job.execute_in_process(partition_key=start, raise_on_error=False)
    else:
        result = job.execute_in_process(raise_on_error=False, tags={
            "dagster/asset_partition_range_start": start, "dagster/asset_partition_range_end": end})
    mats = result.get_asset_materialization_events()
    out = {
        "success": result.success,
        "run_partition_tags": {k: v for k, v in result.dagster_run.tags.items() if "partition" in k},
        "partitions": sorted(e.partition for e in mats),
        "row_count_metadata": sorted({e.materialization.metadata["dagster/row_count"].value for e in mats}),
        "window_metadata": sorted({e.materialization.metadata["window"].value for e in mats}),
    }
    with duckdb.connect(os.environ["DUCKDB_PATH"], read_only=True) as con:
        out["rows_per_day"] = {str(d): n for d, n in con.execute(
            f"select order_date, count(*) from {table} group by 1 order by 1").fetchall()}
    log(f"{start}..{end}: {out}")
    return out


emit({
    "first": run("2024-01-01", "2024-01-05"),
    "overlap": run("2024-01-04", "2024-01-07"),
    "single": run("2024-01-10"),
})
