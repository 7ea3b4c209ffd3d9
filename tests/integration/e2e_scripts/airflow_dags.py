"""Run DAG files with dag.test() on the SQLite metadata database of $AIRFLOW_HOME (migrated).

argv: SPEC_JSON, a file holding
  {"setup_sql": [...], "runs": [{"file": ..., "dag_id": ..., "logical_date": "none"?}], "queries": {...}}
setup_sql runs against $DUCKDB_PATH first; each DAG file must already be in the DAGs folder.
Prints, per run: the run state, every task's state and every task's return_value XCom; then the
result rows of each query against $DUCKDB_PATH.
"""

import json
import os
import sys

from _common import emit, log

spec = json.load(open(sys.argv[1]))
if spec.get("setup_sql"):
    import duckdb

    with duckdb.connect(os.environ["DUCKDB_PATH"]) as con:
        for sql in spec["setup_sql"]:
            con.execute(sql)

from airflow.dag_processing.dagbag import DagBag  # noqa: E402
from airflow.models.xcom import XComModel  # noqa: E402
from airflow.settings import configure_orm  # noqa: E402
from airflow.utils.session import create_session  # noqa: E402
from sqlalchemy import select  # noqa: E402


def run_facts(dr):
    with create_session() as session:
        tis = dr.get_task_instances(session=session)
        states = {(ti.task_id if ti.map_index < 0 else f"{ti.task_id}[{ti.map_index}]"): str(ti.state) for ti in tis}
        tries = {ti.task_id: ti.try_number for ti in tis}
        rows = session.scalars(
            select(XComModel).where(XComModel.dag_id == dr.dag_id, XComModel.run_id == dr.run_id,
                                    XComModel.key == "return_value")).all()
        xcoms = {r.task_id: XComModel.deserialize_value(r) for r in rows}
    return {"state": str(dr.state), "logical_date": dr.logical_date, "tasks": states, "tries": tries, "xcom": xcoms}


out = {"runs": []}
for run in spec["runs"]:
    bag = DagBag(dag_folder=run["file"], safe_mode=False)
    if bag.import_errors:
        out["runs"].append({"dag_id": run["dag_id"], "import_errors": bag.import_errors})
        continue
    dag = bag.dags[run["dag_id"]]
    configure_orm()
    kwargs = {"logical_date": None} if run.get("logical_date") == "none" else {}
    dr = dag.test(**kwargs)
    facts = {"dag_id": run["dag_id"], **run_facts(dr)}
    out["runs"].append(facts)
    log(f"{run['dag_id']} {kwargs}: {facts}")

if spec.get("queries"):
    import duckdb

    with duckdb.connect(os.environ["DUCKDB_PATH"], read_only=True) as con:
        out["queries"] = {name: con.execute(sql).fetchall() for name, sql in spec["queries"].items()}
emit(out)
