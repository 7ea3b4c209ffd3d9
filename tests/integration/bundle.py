"""The bundle's Python units (blocks of SKILL.md and references, rendered templates), each
routed to the engine environment that runs it."""

from __future__ import annotations

import ast
import functools
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from skill_tools.analysis import python_units
from skill_tools.config import load_config
from skill_tools.document import Document
from skill_tools.templating import Template

ROOT = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).resolve().parent / "harness"
ENGINES = ("dagster", "airflow", "prefect")

DBT_FIXTURE = ROOT / "tests" / "fixtures" / "jaffle_dbt"
# Folders, relative to the block's (or rendered template's) own file, where the bundle expects a
# dbt project with target/manifest.json. The harness puts the prepared fixture at each of them.
#   jaffle_dbt   references/dagster-integrations.md (DbtProject blocks), references/airflow-patterns.md
#                (DbtDag, DbtTaskGroup), templates/dagster/trifecta_definitions.py.j2 and
#                templates/airflow/cosmos_dbt_dag.py.j2 (their dbt_project_dir / dbt_project_subdir example)
#   dbt_project  references/troubleshooting.md (dagster-dbt manifest at load time)
#   dbt          references/troubleshooting.md (cosmos DbtDag with LoadMode.DBT_MANIFEST)
# test_blocks.py::test_dbt_project_paths_cover_the_bundle fails when a block uses another folder.
DBT_PROJECT_DIRS = ("jaffle_dbt", "dbt_project", "dbt")
# Fences titled ```python title="plugins/x.py"``` are files other blocks import (the linter's
# --verify-imports treats them the same way). The harness writes them where the engine finds them:
# plugins/ into $AIRFLOW_HOME/plugins (on sys.path in every Airflow component), any other title into
# a folder on PYTHONPATH.


@dataclass
class Unit:
    id: str  # path:line
    source: str
    engine: str
    fragment: bool
    template: bool
    title: str = ""  # ```python title="plugins/x.py"```: the file this block is


def engine_of(source: str) -> str:
    tops = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            tops |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            tops.add(node.module.split(".")[0])
    if tops & {"airflow", "cosmos"}:
        return "airflow"
    if "prefect" in tops:
        return "prefect"
    return "dagster"  # Dagster, dlt, dbt, duckdb and plain Python


def collect(root: Path = ROOT) -> list:
    """The units, read once per process: the test modules and the session fixtures see one
    snapshot even when the bundle is edited while the tests run."""
    return list(_collect(Path(root).resolve()))


@functools.lru_cache(maxsize=None)
def _collect(root: Path) -> tuple:
    config = load_config(root)
    units = []
    for md in [root / "SKILL.md", *sorted((root / "references").glob("*.md"))]:
        doc = Document(md.relative_to(root).as_posix(), md.read_bytes())
        for unit in python_units(doc.fences, config.placeholders):
            units.append(Unit(f"{doc.rel}:{unit.lines[0] - 1}", unit.source, engine_of(unit.source), unit.fragment,
                              False, getattr(unit, "title", "")))
    for tpl_path in sorted((root / "templates").rglob("*.py.j2")):
        tpl = Template(tpl_path.read_text("utf-8"), tpl_path.name)
        source = tpl.render(tpl.examples())
        units.append(Unit(tpl_path.relative_to(root).as_posix(), source, engine_of(source), False, True))
    return tuple(units)


def python_of(engine: str) -> Path:
    return ROOT / ".venvs" / engine / "bin" / "python"


def provide_titled_modules(units: list, state: Path) -> list:
    """Write every titled unit where other blocks import it from; returns the files written."""
    written = []
    for unit in units:
        name = unit.title.rsplit("/", 1)[-1]
        if not name.endswith(".py"):
            continue
        if unit.title.startswith("plugins/") and unit.engine == "airflow":
            folder = state / "airflow_home" / "plugins"
        else:
            folder = state / "provided"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(unit.source, "utf-8")
        written.append(folder / name)
    return written


def dbt_env(state: Path) -> dict:
    env = engine_env(state)
    env.update({"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_VERSION_CHECK": "false",
                "DO_NOT_TRACK": "1"})
    return env


def prepare_dbt_project(dest: Path, engine: str = "dagster") -> Path:
    """Copy the fixture dbt project to dest/jaffle_dbt and build target/manifest.json with
    `dbt parse` from the engine environment (profiles.yml reads the DuckDB path from DUCKDB_PATH)."""
    project = dest / "jaffle_dbt"
    shutil.copytree(DBT_FIXTURE, project, ignore=shutil.ignore_patterns(
        "target", "logs", "dbt_packages", "*.duckdb", "*.duckdb.wal", ".user.yml"))
    dbt = python_of(engine).parent / "dbt"
    proc = subprocess.run([str(dbt), "parse", "--project-dir", str(project), "--profiles-dir", str(project)],
                          capture_output=True, text=True, env=dbt_env(dest / "dbt_state"), cwd=project,
                          timeout=300)
    manifest = project / "target" / "manifest.json"
    if proc.returncode != 0 or not manifest.exists():
        raise RuntimeError(f"dbt parse of {DBT_FIXTURE} failed ({proc.returncode}):\n"
                           f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return project


def place_dbt_projects(folder: Path, project: Path) -> list:
    """Put the prepared project at every DBT_PROJECT_DIRS path next to the files in folder."""
    placed = []
    for name in DBT_PROJECT_DIRS:
        shutil.copytree(project, folder / name, symlinks=True)
        placed.append(folder / name)
    return placed


def engine_env(state: Path) -> dict:
    env = dict(os.environ)
    for var in ("DAGSTER_HOME", "AIRFLOW_HOME", "DLT_DATA_DIR", "PREFECT_HOME"):
        folder = state / var.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[var] = str(folder)
    env.update({
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{state}/no-such-folder/airflow.db",
        "DUCKDB_PATH": str(state / "warehouse.duckdb"),
        "PREFECT_API_URL": "",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": str(state / "provided"),
    })
    return env


def activated(env: dict, engine: str) -> dict:
    """The environment as if the engine venv were activated: its bin/ (dbt, airflow, prefect) first on PATH."""
    env = dict(env)
    env["PATH"] = f"{python_of(engine).parent}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(python_of(engine).parents[1])
    return env


def run_harness(engine: str, files: list, state: Path, timeout: int = 900) -> dict:
    proc = subprocess.run(
        [str(python_of(engine)), str(HARNESS / f"run_{engine}.py")],
        input=json.dumps([str(f) for f in files]), capture_output=True, text=True,
        env=activated(dbt_env(state), engine), cwd=state, timeout=timeout,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{engine} harness failed ({proc.returncode}): {proc.stderr[-3000:]}")
    return json.loads(lines[-1])
