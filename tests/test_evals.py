"""skill-tools eval: run/grade/benchmark.json plumbing with a fake agent; selftest in the engine venvs."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from skill_tools import evals
from skill_tools.tools_cli import main

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "airflow-sdk-taskflow"


def _fake_agent(tmp_path: Path, kind: str) -> str:
    """An agent that copies the scenario's gold or wrong answer into its workspace."""
    script = tmp_path / f"agent_{kind}.py"
    src = ROOT / "evals" / SCENARIO / kind
    script.write_text(f"import shutil, sys\nsys.stdin.read()\nshutil.copytree({str(src)!r}, '.', dirs_exist_ok=True)\n")
    return f"{sys.executable} {script}"


def test_benchmark_shape():
    runs = [{"eval_id": 1, "eval_name": "s", "configuration": c, "run_number": 1, "checks": {"a": c == "with_skill"},
             "result": {"pass_rate": 1.0 if c == "with_skill" else 0.0, "time_seconds": 1.0}}
            for c in evals.CONFIGURATIONS]
    data = evals.benchmark(runs, "m", ROOT, 1, "agent")
    assert data["metadata"]["executor_model"] == "m"
    assert data["run_summary"]["with_skill"]["pass_rate"]["mean"] == 1.0
    assert data["run_summary"]["delta"]["pass_rate"] == "+1.00"


@pytest.mark.integration
def test_run_with_fake_agent(tmp_path):
    out = tmp_path / "out"
    rc = main(["eval", "run", "--agent", _fake_agent(tmp_path, "gold"), "--only", SCENARIO, "--model", "fake",
               "--out", str(out)])
    assert rc == 0
    data = json.loads((out / "benchmark.json").read_text())
    assert {r["configuration"] for r in data["runs"]} == set(evals.CONFIGURATIONS)
    assert all(r["result"]["pass_rate"] == 1.0 and r["checks"] for r in data["runs"])
    assert data["metadata"]["executor_model"] == "fake"
    assert (out / SCENARIO / "with_skill" / "run-1" / "answer" / "dags" / "daily_sales.py").is_file()


@pytest.mark.integration
def test_grade_wrong_answer_fails():
    assert main(["eval", "grade", str(ROOT / "evals" / SCENARIO / "wrong"), "--scenario", SCENARIO]) == 1


@pytest.mark.integration
def test_selftest(capsys):
    rc = main(["eval", "selftest"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert rc == 0, last
    assert last.startswith("scenarios ")
