"""`skill-tools eval`: grade answers to the scenarios in evals/, and benchmark an agent with and without the skill.

    skill-tools eval selftest [--jobs N]
    skill-tools eval grade DIR [--scenario NAME]
    skill-tools eval run [--agent CMD] [--runs K] [--only NAME] [--model M] --out DIR

A scenario is a folder evals/<name>/ with prompt.md, grade.py (run as `grade.py ANSWER_DIR`, prints one JSON
object {"scenario": ..., "checks": {name: bool}}), optional inputs/ (copied into the workspace), gold/ (an
answer that passes every check) and wrong/ (a plausible answer from older knowledge that fails at least one).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_AGENT = "claude -p --max-turns 30"
SKILL_NAME = "data-orchestration"
SKILL_PARTS = ("SKILL.md", "references", "templates")
CONFIGURATIONS = ("with_skill", "without_skill")
GRADE_TIMEOUT = 600


def evals_dir(arg: str | None = None) -> Path:
    return Path(arg) if arg else Path(os.environ.get("SKILL_EVALS_DIR", ROOT / "evals"))


def scenarios(folder: Path) -> list:
    return sorted(p for p in folder.iterdir() if p.is_dir() and (p / "grade.py").is_file())


def grade(scenario: Path, answer: Path, timeout: int = GRADE_TIMEOUT) -> dict:
    """{"scenario", "checks", "passed", "total", "pass_rate", "error"} for one answer folder."""
    error = ""
    checks: dict = {}
    try:
        proc = subprocess.run([sys.executable, str(scenario / "grade.py"), str(answer)], capture_output=True,
                              text=True, errors="replace", timeout=timeout, stdin=subprocess.DEVNULL,
                              env={**os.environ, "SKILL_EVAL_QUIET": "1"})
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
        if lines:
            checks = json.loads(lines[-1]).get("checks", {})
        else:
            error = f"grade.py exited {proc.returncode} without a result: {proc.stderr[-1500:]}"
    except (subprocess.TimeoutExpired, OSError, json.JSONDecodeError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    passed = sum(1 for v in checks.values() if v is True)
    total = len(checks)
    return {"scenario": scenario.name, "checks": checks, "passed": passed, "total": total,
            "pass_rate": round(passed / total, 4) if total else 0.0, "error": error}


def _failed(result: dict) -> str:
    names = [k for k, v in result["checks"].items() if v is not True]
    return ", ".join(names) or result["error"][:200] or "no checks"


# ---------------------------------------------------------------- selftest

def _selftest(args) -> int:
    found = scenarios(evals_dir(args.evals))
    if args.only:
        found = [s for s in found if s.name in args.only]
    jobs = [(s, kind) for s in found for kind in ("gold", "wrong") if (s / kind).is_dir()]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = dict(zip(jobs, pool.map(lambda job: grade(job[0], job[0] / job[1]), jobs)))
    gold_pass = wrong_caught = wrong_total = 0
    for s in found:
        gold = results.get((s, "gold"))
        wrong = results.get((s, "wrong"))
        g_ok = bool(gold and gold["total"] and gold["passed"] == gold["total"])
        w_ok = bool(wrong and wrong["total"] and wrong["passed"] < wrong["total"])
        gold_pass += g_ok
        if wrong is not None:
            wrong_total += 1
            wrong_caught += w_ok
        g_txt = f"gold {gold['passed']}/{gold['total']}" if gold else "gold missing"
        if gold and not g_ok:
            g_txt += f" FAIL ({_failed(gold)})"
        w_txt = "wrong missing" if wrong is None else (
            f"wrong caught by {_failed(wrong)}" if w_ok else f"wrong NOT caught {wrong['passed']}/{wrong['total']}")
        print(f"{s.name:40} {'ok  ' if g_ok and w_ok else 'FAIL'} {g_txt}; {w_txt}", flush=True)
    n = len(found)
    print(f"scenarios {n} gold_pass {gold_pass}/{n} wrong_caught {wrong_caught}/{wrong_total}")
    return 0 if n and gold_pass == n and wrong_caught == wrong_total == n else 1


# ---------------------------------------------------------------- grade

def _grade(args) -> int:
    folder = evals_dir(args.evals)
    answer = Path(args.dir)
    if not answer.is_dir():
        print(f"skill-tools: {answer} is not a folder", file=sys.stderr)
        return 2
    known = {s.name: s for s in scenarios(folder)}
    if args.scenario:
        if args.scenario not in known:
            print(f"skill-tools: unknown scenario {args.scenario!r} (known: {', '.join(known)})", file=sys.stderr)
            return 2
        pairs = [(known[args.scenario], answer)]
    else:  # DIR holds one answer folder per scenario, named after it
        pairs = [(known[p.name], p) for p in sorted(answer.iterdir()) if p.name in known]
        if not pairs:
            print(f"skill-tools: no folder in {answer} is named after a scenario; use --scenario NAME",
                  file=sys.stderr)
            return 2
    ok = True
    for scenario, path in pairs:
        result = grade(scenario, path)
        ok &= bool(result["total"]) and result["passed"] == result["total"]
        print(json.dumps({k: result[k] for k in ("scenario", "checks", "pass_rate")}
                         | ({"error": result["error"]} if result["error"] else {})))
    return 0 if ok else 1


# ---------------------------------------------------------------- run (benchmark)

def _workspace(scenario: Path, configuration: str, skill_root: Path) -> Path:
    ws = Path(tempfile.mkdtemp(prefix=f"eval-{scenario.name}-{configuration}-"))
    if (scenario / "inputs").is_dir():
        shutil.copytree(scenario / "inputs", ws, dirs_exist_ok=True)
    if configuration == "with_skill":
        target = ws / ".claude" / "skills" / SKILL_NAME
        target.mkdir(parents=True)
        for part in SKILL_PARTS:
            src = skill_root / part
            if src.is_dir():
                shutil.copytree(src, target / part)
            elif src.is_file():
                shutil.copy2(src, target / part)
    return ws


def _stats(values: list) -> dict:
    if not values:
        return {"mean": 0.0, "stddev": 0.0, "min": 0.0, "max": 0.0}
    return {"mean": round(statistics.fmean(values), 4),
            "stddev": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
            "min": round(min(values), 4), "max": round(max(values), 4)}


def benchmark(runs: list, model: str | None, skill_root: Path, runs_per_configuration: int, agent: str) -> dict:
    """The skill-creator benchmark.json layout: metadata, runs[], run_summary (with delta), notes."""
    summary: dict = {}
    for config in CONFIGURATIONS:
        mine = [r for r in runs if r["configuration"] == config]
        summary[config] = {"pass_rate": _stats([r["result"]["pass_rate"] for r in mine]),
                           "time_seconds": _stats([r["result"]["time_seconds"] for r in mine])}
    a, b = summary["with_skill"], summary["without_skill"]
    summary["delta"] = {
        "pass_rate": f"{a['pass_rate']['mean'] - b['pass_rate']['mean']:+.2f}",
        "time_seconds": f"{a['time_seconds']['mean'] - b['time_seconds']['mean']:+.1f}",
    }
    names = sorted({r["eval_name"] for r in runs})
    return {
        "metadata": {"skill_name": SKILL_NAME, "skill_path": str(skill_root), "executor_model": model,
                     "agent": agent, "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "evals_run": names, "runs_per_configuration": runs_per_configuration},
        "runs": runs,
        "run_summary": summary,
        "notes": [],
    }


def _run(args) -> int:
    folder = evals_dir(args.evals)
    found = scenarios(folder)
    if args.only:
        found = [s for s in found if s.name in args.only]
        if not found:
            print(f"skill-tools: no scenario named {', '.join(args.only)}", file=sys.stderr)
            return 2
    skill_root = Path(args.skill or ROOT)
    if not (skill_root / "SKILL.md").is_file():
        print(f"skill-tools: {skill_root} has no SKILL.md", file=sys.stderr)
        return 2
    command = shlex.split(args.agent)
    if args.model:
        command += ["--model", args.model]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    runs = []
    for eval_id, scenario in enumerate(found, 1):
        prompt = (scenario / "prompt.md").read_text("utf-8")
        for config in CONFIGURATIONS:
            for n in range(1, args.runs + 1):
                ws = _workspace(scenario, config, skill_root)
                start = time.monotonic()
                notes = []
                try:
                    proc = subprocess.run(command, input=prompt, cwd=ws, capture_output=True, text=True,
                                          errors="replace", timeout=args.timeout)
                    transcript, rc = proc.stdout + proc.stderr, proc.returncode
                except (OSError, subprocess.TimeoutExpired) as exc:
                    transcript, rc = f"{type(exc).__name__}: {exc}", -1
                seconds = round(time.monotonic() - start, 1)
                if rc != 0:
                    notes.append(f"agent exited {rc}")
                run_dir = out / scenario.name / config / f"run-{n}"
                if run_dir.exists():
                    shutil.rmtree(run_dir)
                shutil.copytree(ws, run_dir / "answer", ignore=shutil.ignore_patterns(".claude", "__pycache__"))
                (run_dir / "transcript.txt").write_text(transcript, "utf-8")
                shutil.rmtree(ws, ignore_errors=True)
                result = grade(scenario, run_dir / "answer")
                if result["error"]:
                    notes.append(result["error"][:500])
                (run_dir / "grading.json").write_text(json.dumps(result, indent=1), "utf-8")
                runs.append({
                    "eval_id": eval_id, "eval_name": scenario.name, "configuration": config, "run_number": n,
                    "result": {"pass_rate": result["pass_rate"], "passed": result["passed"],
                               "failed": result["total"] - result["passed"], "total": result["total"],
                               "time_seconds": seconds, "errors": int(rc != 0)},
                    "checks": result["checks"],
                    "expectations": [{"text": k, "passed": v is True, "evidence": "grade.py"}
                                     for k, v in result["checks"].items()],
                    "notes": notes,
                })
                print(f"{scenario.name:40} {config:14} run {n}: {result['passed']}/{result['total']}"
                      f" in {seconds} s", flush=True)
    data = benchmark(runs, args.model, skill_root, args.runs, args.agent)
    (out / "benchmark.json").write_text(json.dumps(data, indent=2), "utf-8")
    s = data["run_summary"]
    print(f"with_skill {s['with_skill']['pass_rate']['mean']:.2f} without_skill "
          f"{s['without_skill']['pass_rate']['mean']:.2f} delta {s['delta']['pass_rate']} -> {out / 'benchmark.json'}")
    return 0


def add_eval_command(sub) -> None:
    e = sub.add_parser("eval", help="grade scenario answers; benchmark an agent with and without the skill")
    esub = e.add_subparsers(dest="eval_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--evals", metavar="DIR", help="scenario folder (default: evals/ of this checkout)")
    s = esub.add_parser("selftest", parents=[common], help="grade every gold and wrong answer")
    s.add_argument("--jobs", type=int, default=2, help="graders run at once (default 2)")
    s.add_argument("--only", action="append", metavar="NAME", help="only this scenario (repeatable)")
    s.set_defaults(func=_selftest)
    g = esub.add_parser("grade", parents=[common], help="grade answers produced elsewhere")
    g.add_argument("dir", help="an answer folder (with --scenario) or a folder of <scenario>/ answer folders")
    g.add_argument("--scenario", metavar="NAME")
    g.set_defaults(func=_grade)
    r = esub.add_parser("run", parents=[common], help="run an agent on every scenario, with and without the skill")
    r.add_argument("--agent", default=DEFAULT_AGENT, help=f"command run in the workspace, prompt on stdin "
                                                          f"(default: {DEFAULT_AGENT})")
    r.add_argument("--runs", type=int, default=1, help="runs per scenario and configuration")
    r.add_argument("--only", action="append", metavar="NAME", help="only this scenario (repeatable)")
    r.add_argument("--model", help="passed to the agent as --model M and recorded in benchmark.json")
    r.add_argument("--skill", metavar="DIR", help="skill folder to copy (default: this checkout)")
    r.add_argument("--timeout", type=int, default=1800, help="seconds per agent run")
    r.add_argument("--out", required=True, metavar="DIR")
    r.set_defaults(func=_run)
