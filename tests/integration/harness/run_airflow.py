"""Run inside the Airflow environment: load each file in a DagBag.

Fails a file on any import error, on a DAG-less file that imports airflow, and on a
connection or variable lookup at parse time (the metadata database is unreachable on
purpose: AIRFLOW__DATABASE__SQL_ALCHEMY_CONN points into a folder that does not exist).
"""
import json
import sys


def forbid(what):
    def raiser(*args, **kwargs):
        raise RuntimeError(f"{what} at parse time")
    return raiser


def main():
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import BaseHook, Connection, Variable

    BaseHook.get_connection = classmethod(forbid("connection lookup"))
    Connection.get = classmethod(forbid("connection lookup"))
    Variable.get = staticmethod(forbid("variable lookup"))

    results = {}
    for path in json.load(sys.stdin):
        bag = DagBag(dag_folder=path, safe_mode=False)
        errors = {k: v[-1500:] for k, v in bag.import_errors.items()}
        if errors:
            results[path] = {"ok": False, "error": json.dumps(errors)}
        else:
            results[path] = {"ok": True, "kind": f"{len(bag.dags)} DAG(s)", "dags": sorted(bag.dags)}
    print(json.dumps(results))


main()
