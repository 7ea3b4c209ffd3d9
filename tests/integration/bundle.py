"""The bundle's Python units (blocks of SKILL.md and references, rendered templates), each
routed to the engine environment that runs it."""

from __future__ import annotations

import ast
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from skill_tools.code import python_units
from skill_tools.config import load_config
from skill_tools.document import Document
from skill_tools.templating import Template

ROOT = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).resolve().parent / "harness"
ENGINES = ("dagster", "airflow", "prefect")


@dataclass
class Unit:
    id: str  # path:line
    source: str
    engine: str
    fragment: bool
    template: bool


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
    config = load_config(root)
    units = []
    for md in [root / "SKILL.md", *sorted((root / "references").glob("*.md"))]:
        doc = Document(md.relative_to(root).as_posix(), md.read_bytes())
        for unit in python_units(doc.fences, config.placeholders):
            units.append(Unit(f"{doc.rel}:{unit.lines[0] - 1}", unit.source, engine_of(unit.source), unit.fragment, False))
    for tpl_path in sorted((root / "templates").rglob("*.py.j2")):
        tpl = Template(tpl_path.read_text("utf-8"), tpl_path.name)
        source = tpl.render(tpl.examples())
        units.append(Unit(tpl_path.relative_to(root).as_posix(), source, engine_of(source), False, True))
    return units


def python_of(engine: str) -> Path:
    return ROOT / ".venvs" / engine / "bin" / "python"


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
    })
    return env


def run_harness(engine: str, files: list, state: Path, timeout: int = 900) -> dict:
    proc = subprocess.run(
        [str(python_of(engine)), str(HARNESS / f"run_{engine}.py")],
        input=json.dumps([str(f) for f in files]), capture_output=True, text=True,
        env=engine_env(state), cwd=state, timeout=timeout,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{engine} harness failed ({proc.returncode}): {proc.stderr[-3000:]}")
    return json.loads(lines[-1])
