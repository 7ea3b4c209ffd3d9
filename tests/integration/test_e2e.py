"""End-to-end runs of the bundle's pipelines in their engines, asserting on the data they produce.

Each test writes the unit (a SKILL.md block or a template rendered with its examples) unmodified
to a temp folder and runs a script from e2e_scripts/ on it in the engine's environment (a
subprocess, with a timeout). The script prints its findings as JSON on its last line; the
assertions are here. Engines: Dagster in-process runs on DuckDB (core pipeline with a blocking
check, a single-run partition-range backfill, dlt -> dbt), Airflow dag.test() on SQLite (TaskFlow,
cosmos DbtDag on DuckDB), Prefect against a temporary local server.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from .bundle import ROOT, activated, collect, dbt_env, python_of
from .conftest import E2E_RUNS

SCRIPTS = Path(__file__).resolve().parent / "e2e_scripts"
UNITS = collect()


def block(doc: str, engine: str) -> str:
    (unit,) = [u for u in UNITS if u.id.startswith(f"{doc}:") and u.engine == engine]
    return unit.source


def render(rel: str, **overrides) -> tuple:
    """(source, variables): the template rendered with its header examples (plus overrides)."""
    from skill_tools.templating import Template

    path = ROOT / "templates" / rel
    tpl = Template(path.read_text("utf-8"), path.name)
    variables = {**tpl.examples(), **overrides}
    return tpl.render(variables), variables


def _tail(text, n=4000) -> str:
    text = text.decode() if isinstance(text, bytes) else (text or "")
    return text[-n:]


@pytest.fixture
def e2e(request, engines, tmp_path):
    """run(engine, name, script, *args, env=None, timeout=...) -> the script's JSON facts.

    Runs the script in the engine venv (its bin/ first on PATH, state folders in tmp_path), prints
    its output, and records the run for the summary: passed only if the whole test passed."""
    mine = []

    def run(engine, name, script, *args, env=None, timeout=300):
        full_env = activated(dbt_env(tmp_path), engine)
        full_env.update(env or {})
        record = {"engine": engine, "name": name, "ok": False, "seconds": 0.0}
        E2E_RUNS.append(record)
        mine.append(record)
        start = time.monotonic()
        try:
            proc = subprocess.run([str(python_of(engine)), str(SCRIPTS / script), *map(str, args)],
                                  capture_output=True, text=True, env=full_env, cwd=tmp_path, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            record["seconds"] = time.monotonic() - start
            pytest.fail(f"{name} ({engine}) timed out after {timeout} s\n--- stdout\n{_tail(exc.stdout)}"
                        f"\n--- stderr\n{_tail(exc.stderr)}")
        record["seconds"] = time.monotonic() - start
        print(f"--- {name}: stdout\n{_tail(proc.stdout, 6000)}\n--- {name}: stderr\n{_tail(proc.stderr)}")
        lines = proc.stdout.strip().splitlines()
        if proc.returncode != 0 or not lines or not lines[-1].startswith("{"):
            pytest.fail(f"{name} ({engine}) exited {proc.returncode}\n--- stdout\n{_tail(proc.stdout)}"
                        f"\n--- stderr\n{_tail(proc.stderr)}")
        return json.loads(lines[-1])

    yield run
    report = getattr(request.node, "report_call", None)
    for record in mine:
        record["ok"] = bool(report and report.passed)


# ---------------------------------------------------------------------------------------- Dagster


def test_dagster_core_pipeline_and_blocking_check(e2e, tmp_path):
    """SKILL.md: raw_orders -> stg_orders on DuckDB; the blocking check stops a downstream asset."""
    path = tmp_path / "skill_dagster.py"
    path.write_text(block("SKILL.md", "dagster"), "utf-8")
    facts = e2e("dagster", "dagster core pipeline", "dagster_core.py", path, timeout=240)

    job = facts["block_job"]
    assert job["success"], job
    assert job["materialized"] == ["raw_orders", "stg_orders"], job
    assert job["checks"] == [{"name": "stg_orders_unique", "passed": True, "metadata": {"duplicates": 0}}], job
    # raw holds the duplicated row; staged is deduplicated, and says so in its metadata
    assert facts["raw_rows"] == [[1, 10.0], [2, 25.5], [2, 25.5]]
    assert facts["stg_rows"] == [[1, 10.0], [2, 25.5]]
    assert job["stg_row_count_metadata"] == [2]

    clean = facts["clean"]  # positive control: with clean data the downstream asset runs
    assert clean["success"] and clean["materialized"] == ["fct_orders", "stg_orders"], clean
    assert facts["fct_rows_clean"] == [[1, 10.0], [2, 25.5]]

    dirty = facts["dirty"]  # (2, 99.0) inserted into raw_orders: order_id 2 twice in stg_orders
    assert facts["stg_rows_dirty"] == [[1, 10.0], [2, 25.5], [2, 99.0]]
    assert dirty["checks"] == [{"name": "stg_orders_unique", "passed": False, "metadata": {"duplicates": 1}}], dirty
    assert not dirty["success"], dirty
    assert dirty["materialized"] == ["stg_orders"], dirty
    assert "STEP_START" not in dirty["steps"].get("fct_orders", []), dirty["steps"]
    assert facts["fct_rows_after_dirty"] == facts["fct_rows_clean"]  # downstream table untouched


def test_dagster_partition_range_backfill_in_one_run(e2e, tmp_path):
    """templates/dagster/partitioned_asset.py.j2: a range of days in one run, one row per day."""
    source, variables = render("dagster/partitioned_asset.py.j2")
    path = tmp_path / "partitioned_asset.py"
    path.write_text(source, "utf-8")
    facts = e2e("dagster", "dagster partition range backfill", "dagster_partitioned.py",
                path, f"{variables['asset_name']}_job", variables["table_name"], timeout=240)

    days = [f"2024-01-0{d}" for d in range(1, 8)]
    first = facts["first"]
    assert first["success"], first
    assert first["run_partition_tags"] == {"dagster/asset_partition_range_start": "2024-01-01",
                                           "dagster/asset_partition_range_end": "2024-01-05"}, first
    assert first["partitions"] == days[:5]  # one run materializes all five partitions
    assert first["row_count_metadata"] == [5] and first["window_metadata"] == ["2024-01-01..2024-01-06"], first
    assert first["rows_per_day"] == {d: 1 for d in days[:5]}

    overlap = facts["overlap"]  # 01-04..01-07 again: the window is rewritten, never duplicated
    assert overlap["success"] and overlap["partitions"] == days[3:7], overlap
    assert overlap["row_count_metadata"] == [4], overlap
    assert overlap["rows_per_day"] == {d: 1 for d in days}

    single = facts["single"]  # a single partition (the daily schedule's run)
    assert single["success"] and single["partitions"] == ["2024-01-10"], single
    assert single["window_metadata"] == ["2024-01-10..2024-01-11"], single
    assert single["rows_per_day"] == {**{d: 1 for d in days}, "2024-01-10": 1}


def test_dagster_dlt_dbt_trifecta(e2e, tmp_path, dbt_project):
    """templates/dagster/trifecta_definitions.py.j2: dlt -> DuckDB -> dbt; a failed load stops dbt."""
    source, variables = render("dagster/trifecta_definitions.py.j2")
    shutil.copytree(dbt_project, tmp_path / variables["dbt_project_dir"])
    path = tmp_path / "trifecta_definitions.py"
    path.write_text(source, "utf-8")
    dataset = variables["dataset_name"]
    facts = e2e("dagster", "dagster dlt+dbt trifecta", "dagster_trifecta.py",
                path, variables["source_name"], dataset, timeout=420)

    dlt_keys = [f"{dataset}/charges", f"{dataset}/customers"]
    assert facts["dlt_keys"] == dlt_keys
    assert facts["dbt_keys"] == ["customer_revenue", "stg_charges"]
    # dbt sources resolve to the dlt assets: dbt waits for dlt
    assert facts["dbt_parents"] == {"stg_charges": [f"{dataset}/charges"],
                                    "customer_revenue": [f"{dataset}/customers", "stg_charges"]}
    assert len(facts["check_keys"]) == 4  # unique + not_null on both models

    run = facts["run"]
    assert run["success"], run
    assert run["materialized"] == sorted(dlt_keys + ["customer_revenue", "stg_charges"]), run
    assert run["dlt_done_before_dbt_starts"], run["steps"]
    assert [passed for _, passed in run["checks"]] == [True] * 4, run["checks"]

    raw = facts["raw"]
    assert facts["raw_counts"] == {"customers": 3, "charges": 4}
    revenue = {cid: [0, 0.0] for cid, _ in raw["customers"]}
    for _, customer_id, amount, status in raw["charges"]:
        if status == "succeeded":
            revenue[customer_id][0] += 1
            revenue[customer_id][1] += amount / 100
    expected = [[cid, name, revenue[cid][0], revenue[cid][1]] for cid, name in raw["customers"]]
    assert facts["mart"] == expected
    assert facts["mart"] == [[1, "Ada", 2, 35.0], [2, "Grace", 1, 12.0], [3, "Linus", 0, 0.0]]

    assert facts["dlt_again"] == {"success": True, "raw_counts": {"customers": 3, "charges": 4}}  # merge

    failing = facts["failing"]
    assert failing["same_keys"], failing
    assert not failing["success"], failing
    assert "STEP_FAILURE" in failing["steps"][facts["dlt_step"]], failing["steps"]
    assert facts["dbt_step"] not in failing["steps"], failing["steps"]  # dbt never started
    assert failing["materialized"] == [] and failing["mart"] == expected, failing


# ---------------------------------------------------------------------------------------- Airflow


@pytest.fixture(scope="module")
def airflow_home(engines, tmp_path_factory):
    """An AIRFLOW_HOME with a migrated SQLite metadata database and an empty DAGs folder."""
    home = tmp_path_factory.mktemp("airflow_e2e")
    (home / "dags").mkdir()
    env = {**activated(dbt_env(home / "state"), "airflow"), **airflow_env(home)}
    proc = subprocess.run([str(python_of("airflow").parent / "airflow"), "db", "migrate"],
                          capture_output=True, text=True, env=env, cwd=home, timeout=300)
    assert proc.returncode == 0, f"airflow db migrate failed:\n{_tail(proc.stdout)}\n{_tail(proc.stderr)}"
    return home


def airflow_env(home: Path) -> dict:
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }


def test_airflow_taskflow_dags(e2e, tmp_path, airflow_home):
    """SKILL.md's TaskFlow DAG and templates/airflow/taskflow_dag.py.j2 run with dag.test()."""
    dags = airflow_home / "dags"
    (dags / "skill_daily_orders.py").write_text(block("SKILL.md", "airflow"), "utf-8")
    source, variables = render("airflow/taskflow_dag.py.j2")
    (dags / "taskflow_dag.py").write_text(source, "utf-8")
    dag_id = variables["dag_id"]
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"runs": [
        {"file": str(dags / "skill_daily_orders.py"), "dag_id": "daily_orders"},
        {"file": str(dags / "taskflow_dag.py"), "dag_id": dag_id},
        {"file": str(dags / "taskflow_dag.py"), "dag_id": dag_id, "logical_date": "none"},  # manual run
    ]}))
    data = tmp_path / "pipeline_data"
    before = datetime.now(timezone.utc).date()
    facts = e2e("airflow", "airflow taskflow DAGs", "airflow_dags.py", spec,
                env={**airflow_env(airflow_home), "PIPELINE_DATA_DIR": str(data)}, timeout=300)
    days = {str(before + timedelta(days=n)) for n in range(2)}  # a run may cross midnight

    skill, scheduled, manual = facts["runs"]
    assert skill["state"] == "success", skill
    assert skill["tasks"] == {"extract": "success", "dedupe": "success"}, skill
    rows = skill["xcom"]["extract"]
    assert len(rows) == 2 and {r["order_id"] for r in rows} == {1} and rows[0]["day"] == skill["logical_date"][:10]
    assert skill["xcom"]["dedupe"] == 1  # the duplicate order is dropped

    for run in (scheduled, manual):
        assert run["state"] == "success", run
        assert run["tasks"] == {"extract": "success", "transform": "success", "load": "success"}, run
        summary = run["xcom"]["transform"]
        assert summary["rows"] == 2 and summary["day"] in days, run
        # only file paths go through XCom; the files hold the data
        raw_path, summary_path = Path(run["xcom"]["extract"]), Path(run["xcom"]["load"])
        assert raw_path.parent == summary_path.parent == data / dag_id, run
        assert [r["day"] for r in json.loads(raw_path.read_text())] == [summary["day"]] * 2
        assert json.loads(summary_path.read_text()) == summary
    assert scheduled["xcom"]["transform"]["day"] == scheduled["logical_date"][:10]
    assert manual["logical_date"] is None  # the guard falls back to run_after


COSMOS_SEED = [
    "CREATE SCHEMA raw_stripe",
    "CREATE TABLE raw_stripe.customers AS SELECT * FROM (VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Linus')) t(id, name)",
    "CREATE TABLE raw_stripe.charges AS SELECT * FROM (VALUES ('ch_1', 1, 1000, 'succeeded'), "
    "('ch_2', 1, 2500, 'succeeded'), ('ch_3', 2, 700, 'failed'), ('ch_4', 2, 1200, 'succeeded')) "
    "t(id, customer_id, amount, status)",
]


def test_airflow_cosmos_dbt_dag(e2e, tmp_path, airflow_home, dbt_project):
    """templates/airflow/cosmos_dbt_dag.py.j2 with the fixture dbt project: dbt builds the tables."""
    dbt = python_of("airflow").parent / "dbt"  # the template's example path does not exist here
    source, variables = render("airflow/cosmos_dbt_dag.py.j2", dbt_executable_path=str(dbt))
    dags = airflow_home / "dags"
    shutil.copytree(dbt_project, dags / variables["dbt_project_subdir"])
    (dags / "cosmos_dbt_dag.py").write_text(source, "utf-8")
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({
        "setup_sql": COSMOS_SEED,
        "runs": [{"file": str(dags / "cosmos_dbt_dag.py"), "dag_id": variables["dag_id"]}],
        "queries": {
            "mart": "SELECT customer_id, customer_name, succeeded_charges, revenue_usd::DOUBLE"
                    " FROM main.customer_revenue ORDER BY 1",
            "staged": "SELECT charge_id, amount_usd::DOUBLE FROM main.stg_charges ORDER BY 1",
        },
    }))
    facts = e2e("airflow", "airflow cosmos DbtDag", "airflow_dags.py", spec,
                env=airflow_env(airflow_home), timeout=420)

    (run,) = facts["runs"]
    assert run["state"] == "success", run
    # TestBehavior.AFTER_EACH: each model is a task group of run + test
    assert run["tasks"] == {f"{m}.{step}": "success" for m in ("stg_charges", "customer_revenue")
                            for step in ("run", "test")}, run
    assert facts["queries"]["staged"] == [["ch_1", 10.0], ["ch_2", 25.0], ["ch_3", 7.0], ["ch_4", 12.0]]
    assert facts["queries"]["mart"] == [[1, "Ada", 2, 35.0], [2, "Grace", 1, 12.0], [3, "Linus", 0, 0.0]]


# ---------------------------------------------------------------------------------------- Prefect


def test_prefect_flow_retries_transient_errors(e2e, tmp_path):
    """templates/prefect/flow_with_retries.py.j2: a flaky task retries, a bad one fails fast."""
    source, variables = render("prefect/flow_with_retries.py.j2")
    path = tmp_path / "flow_with_retries.py"
    path.write_text(source, "utf-8")
    env = {"PREFECT_API_URL": "", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    facts = e2e("prefect", "prefect flow retries", "prefect_retries.py", path, variables["flow_name"],
                env=env, timeout=300)

    retries = int(variables["task_retries"])
    assert facts["retries"] == [retries, retries]
    plain = facts["plain"]
    assert plain["state"] == "COMPLETED" and plain["result"] == 6, plain  # 2 sources x 3 stub rows
    assert plain["task_runs"] == [["extract", 1, "COMPLETED"]] * 2 + [["load", 1, "COMPLETED"]] * 2, plain

    flaky = facts["flaky"]  # ConnectionError `retries` times per source, then rows
    assert flaky["state"] == "COMPLETED" and flaky["result"] == 6, flaky
    assert flaky["calls"] == {"a": retries + 1, "b": retries + 1}, flaky
    assert flaky["task_runs"] == ([["extract", retries + 1, "COMPLETED"]] * 2
                                  + [["load", 1, "COMPLETED"]] * 2), flaky

    permanent = facts["permanent"]  # ValueError: retry_condition_fn says no
    assert permanent["state"] == "FAILED" and permanent["calls"] == {"a": 1}, permanent
    assert permanent["task_runs"] == [["extract", 1, "FAILED"]], permanent
