#!/usr/bin/env python3
"""Benchmark skill-lint against the docs linters people use, on the same corpus, in one run.

    python bench/run_bench.py [--skills 200] [--runs 3] [--scaling] [--out bench/out]

Generates a multi-skill corpus (bench/gen_skills_corpus.py: N skills x 10 Markdown files of
~150 lines), then times, each as the median of --runs runs:
  skill-lint cold   --no-cache (a true cold run: nothing read or written)
  skill-lint warm   second run with the cache, files unchanged
  skill-lint 1%     after touching 1% of the files (cache for the rest)
  markdownlint-cli2 and lychee --offline --include-fragments, when installed
    (MARKDOWNLINT_CLI2 / LYCHEE environment variables, or on PATH)
Reports wall time, CPU time (user+sys, children included) and peak RSS of the process tree,
the ratios to skill-lint, and where each goal stands. With --scaling, also 20 and 2,000 skills
(cold). Every command gets one untimed warm-up run, and runs without PYTHONDONTWRITEBYTECODE.
The cold runs of every tool and corpus take turns, round after round, so that the load of a
shared machine falls on all of them alike and the ratios compare like with like.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


# Every tool runs as it does on a developer's machine: Python may cache bytecode (some
# sandboxes set PYTHONDONTWRITEBYTECODE, which makes each start recompile the package).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(cmd, cwd, env=None) -> tuple:
    """(wall s, cpu s, peak RSS MiB, exit code) of one run, the process tree included."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def summary(rows, cmd) -> dict:
    return {
        "wall": statistics.median(r[0] for r in rows),
        "cpu": statistics.median(r[1] for r in rows),
        "rss": max(r[2] for r in rows),
        "exit": rows[-1][3],
        "cmd": " ".join(str(c) for c in cmd),
    }


def median_of(runs, cmd, cwd, before=None) -> dict:
    """Median wall and CPU time of `runs` runs after one untimed warm-up (disk cache, bytecode)."""
    if before is None:
        measure(cmd, cwd)
    rows = []
    for _ in range(runs):
        if before:
            before()
        rows.append(measure(cmd, cwd))
    return summary(rows, cmd)


def interleaved(runs, jobs) -> list:
    """`jobs`: [(cmd, cwd)]. One warm-up each, then `runs` rounds that run every job once, so
    that the load of this shared machine falls on all of them alike; one summary per job."""
    for cmd, cwd in jobs:
        measure(cmd, cwd)
    results = [[] for _ in jobs]
    for _ in range(runs):
        for rows, (cmd, cwd) in zip(results, jobs):
            rows.append(measure(cmd, cwd))
    return [summary(rows, cmd) for rows, (cmd, _) in zip(results, jobs)]


def corpus(out: Path, skills: int) -> Path:
    target = out / f"corpus-{skills}"
    if not (target / "skills").exists():
        subprocess.run([sys.executable, str(HERE / "gen_skills_corpus.py"), str(target), str(skills)],
                       check=True, stdout=subprocess.DEVNULL)
    return target


def skill_lint() -> list:
    exe = shutil.which("skill-lint", path=str(Path(sys.executable).parent)) or shutil.which("skill-lint")
    return [exe] if exe else [sys.executable, "-m", "skill_tools.cli"]


def tool(var: str, name: str):
    path = os.environ.get(var) or shutil.which(name)
    return path if path and Path(path).exists() else None


def touch_one_percent(folder: Path):
    files = sorted(folder.rglob("*.md"))
    step = max(1, len(files) // max(1, len(files) // 100))
    state = {"n": 0}

    def touch():
        state["n"] += 1
        for f in files[::step]:
            with open(f, "a", encoding="utf-8") as fh:
                fh.write(f"\nEdited {state['n']}.\n")
    return touch


def run(args) -> list:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    lint = skill_lint()
    folder = corpus(out, args.skills)
    label = f"{args.skills} skills, {len(list(folder.rglob('*.md')))} files"
    jobs = [(label, "skill-lint cold", [*lint, "--no-cache", "."], folder),
            (label, "skill-lint serial cold", [*lint, "--no-cache", "-j", "1", "."], folder)]
    mdl = tool("MARKDOWNLINT_CLI2", "markdownlint-cli2")
    if mdl:
        jobs.append((label, "markdownlint-cli2", [mdl, "**/*.md"], folder))
    lychee = tool("LYCHEE", "lychee")
    if lychee:
        jobs.append((label, "lychee --offline --include-fragments",
                     [lychee, "--offline", "--include-fragments", "--no-progress", "."], folder))
    for n in [20, 2000] if args.scaling else []:
        other = corpus(out, n)
        jobs.append((f"{n} skills, {len(list(other.rglob('*.md')))} files", "skill-lint cold",
                     [*lint, "--no-cache", "."], other))
    jobs.append(("this repository's bundle", "skill-lint cold", [*lint, "--no-cache", "."], ROOT))
    timed = interleaved(args.runs, [(cmd, cwd) for _, _, cmd, cwd in jobs])
    rows = [(lab, name, r) for (lab, name, _, _), r in zip(jobs, timed)]

    cache = out / f"cache-{args.skills}"
    shutil.rmtree(cache, ignore_errors=True)
    warm = [*lint, "--cache-dir", str(cache), "."]
    measure(warm, folder)
    rows.insert(1, (label, "skill-lint warm", median_of(args.runs, warm, folder)))
    rows.insert(2, (label, "skill-lint 1% touched", median_of(args.runs, warm, folder, before=touch_one_percent(folder))))
    rows[-1][2]["cmd"] = "skill-lint --no-cache ."  # the bundle, in the repository's root
    return rows


def goals(rows) -> list:
    """Where each goal of the benchmark issue stands, from this run's figures."""
    by = {(label.split(",")[0], name.split(" --")[0]): r for label, name, r in rows}
    out = []
    main = f"{rows[0][0].split(',')[0]}"
    cold, warm = by.get((main, "skill-lint cold")), by.get((main, "skill-lint warm"))
    mdl, lychee = by.get((main, "markdownlint-cli2")), by.get((main, "lychee"))
    if cold and mdl:
        ratio = mdl["wall"] / cold["wall"]
        out.append(f"cold {ratio:.1f}x faster than markdownlint-cli2 (goal: 5x): {'met' if ratio >= 5 else 'NOT met'}")
    if warm and lychee:
        ratio = warm["wall"] / lychee["wall"]
        out.append(f"warm {ratio:.2f}x lychee's time (goal: at most 1x): {'met' if ratio <= 1 else 'NOT met'}")
    rss = max(r["rss"] for label, name, r in rows if name.startswith("skill-lint") and label.startswith(main))
    out.append(f"peak RSS {rss:.0f} MiB (goal: under 200): {'met' if rss < 200 else 'NOT met'}")
    small, big = by.get(("200 skills", "skill-lint cold")), by.get(("2000 skills", "skill-lint cold"))
    if small and big:
        ratio = big["wall"] / small["wall"]
        out.append(f"2,000 skills take {ratio:.1f}x the time of 200 (goal: at most 10.5x): {'met' if ratio <= 10.5 else 'NOT met'}")
    own = by.get(("this repository's bundle", "skill-lint cold"))
    if own:
        out.append(f"this bundle {own['wall']:.2f} s (goal: under 0.5 s): {'met' if own['wall'] < 0.5 else 'NOT met'}")
    return out


def table(rows) -> str:
    lines = ["| corpus | tool | wall s | CPU s | peak RSS MiB | wall vs skill-lint cold | command |",
             "|---|---|---|---|---|---|---|"]
    base = {label: r["wall"] for label, name, r in rows if name == "skill-lint cold"}
    for label, name, r in rows:
        ratio = r["wall"] / base[label] if base.get(label) else float("nan")
        lines.append(f"| {label} | {name} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss']:.0f} | {ratio:.2f}x | `{r['cmd']}` |")
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--skills", type=int, default=200)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--scaling", action="store_true")
    p.add_argument("--out", default=str(HERE / "out"))
    args = p.parse_args()
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    rows = run(args)
    print(table(rows))
    print()
    print("\n".join(f"- {line}" for line in goals(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
