"""Every Python block of SKILL.md and references/, and every template rendered with its
examples, loads in the real library: Dagster definitions validate, Airflow DAGs load in a
DagBag with no import error and no connection lookup or database query at parse time,
Prefect flows import."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .bundle import DBT_PROJECT_DIRS, ROOT, collect, python_of, run_harness
from .conftest import COUNTS

UNITS = collect()
LOADED = [u for u in UNITS if not u.fragment]


@pytest.mark.parametrize("unit", LOADED, ids=[u.id for u in LOADED])
def test_unit_loads_in_its_engine(unit, block_results):
    result = block_results[unit.id]
    assert result["ok"], f"{unit.id} ({unit.engine}): {result.get('error')}\n{result.get('trace', '')}"
    if unit.template and unit.engine == "airflow":
        assert result.get("dags"), f"{unit.id}: an Airflow template must define a DAG"


def test_counts(block_results):
    blocks = [u for u in UNITS if not u.template]
    COUNTS.update({
        "python blocks": len(blocks),
        "fragments": sum(u.fragment for u in blocks),
        "blocks loaded": sum(1 for u in blocks if not u.fragment and block_results[u.id]["ok"]),
        "templates loaded": sum(1 for u in UNITS if u.template and block_results[u.id]["ok"]),
        "by engine": json.dumps({e: sum(1 for u in LOADED if u.engine == e) for e in ("dagster", "airflow", "prefect")}),
    })
    # 16 templates (*.j2) of which every Python one (*.py.j2) is a unit; prefect.yaml.j2 is not Python.
    python_templates = sorted((ROOT / "templates").rglob("*.py.j2"))
    assert len(blocks) >= 40 and len(list((ROOT / "templates").rglob("*.j2"))) >= 16
    assert sum(u.template for u in UNITS) == len(python_templates) >= 15


def test_dbt_project_paths_cover_the_bundle():
    """Every folder a dbt-using block reaches from its own file is one the harness prepares."""
    uses_dbt = re.compile(r"DbtProject\(|ProjectConfig\(|dbt_project_path|DbtCliResource\(project_dir")
    relative = re.compile(r"Path\(__file__\)[\w.()]*\s*/\s*\"([^\"]+)\"")
    seen = {}
    for unit in LOADED:
        if uses_dbt.search(unit.source):
            for folder in relative.findall(unit.source):
                seen.setdefault(folder, []).append(unit.id)
    assert seen, "no dbt block found: the pattern is stale"
    missing = {f: ids for f, ids in seen.items() if f not in DBT_PROJECT_DIRS}
    assert not missing, f"dbt project folders not prepared by the harness (add to DBT_PROJECT_DIRS): {missing}"
    assert set(DBT_PROJECT_DIRS) == set(seen), f"stale DBT_PROJECT_DIRS entries: {set(DBT_PROJECT_DIRS) - set(seen)}"


def _lint(*args):
    return subprocess.run([sys.executable, "-m", "skill_tools.cli", "--no-cache", "--format", "json", *args],
                          capture_output=True, text=True, timeout=900)


def test_every_import_resolves_in_the_pinned_releases(engines):
    pythons = [a for e in ("dagster", "airflow", "prefect") for a in ("--python", str(python_of(e)))]
    proc = _lint("--verify-imports", *pythons, str(ROOT))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["findings"] == []


def _copy_bundle(tmp_path) -> Path:
    dest = tmp_path / "data-orchestration"
    dest.mkdir()
    shutil.copy(ROOT / "SKILL.md", dest / "SKILL.md")
    shutil.copytree(ROOT / "references", dest / "references")
    shutil.copytree(ROOT / "templates", dest / "templates")
    return dest


def test_a_wrong_import_in_a_reference_fails(tmp_path, engines):
    bundle = _copy_bundle(tmp_path)
    skill = bundle / "SKILL.md"
    text = skill.read_text()
    assert "from airflow.sdk import dag, get_current_context, task" in text
    skill.write_text(text.replace("from airflow.sdk import dag, get_current_context, task",
                                  "from airflow.sdk import dag, get_current_context, task_flow as task"))
    # Every engine: with the Airflow one alone, the Dagster and Prefect blocks do not resolve either.
    pythons = [a for e in ("dagster", "airflow", "prefect") for a in ("--python", str(python_of(e)))]
    proc = _lint("--verify-imports", *pythons, "--select", "CB014", str(bundle))
    findings = json.loads(proc.stdout)["findings"]
    assert proc.returncode == 1
    assert [(f["path"].endswith("SKILL.md"), f["code"]) for f in findings] == [(True, "CB014")]
    assert "task_flow" in findings[0]["message"] and "apache-airflow" in findings[0]["message"]


def test_a_wrong_argument_in_a_reference_fails(tmp_path, engines):
    bundle = _copy_bundle(tmp_path)
    (unit,) = [u for u in collect(bundle) if u.id.startswith("SKILL.md") and u.engine == "dagster"]
    assert "dg.asset_check(asset=stg_orders, blocking=True)" in unit.source
    bad = tmp_path / "bad.py"
    bad.write_text(unit.source.replace("blocking=True", "blocks=True"))
    state = tmp_path / "state"
    state.mkdir()
    result = run_harness("dagster", [bad], state)[str(bad)]
    assert not result["ok"] and "blocks" in result["error"]
