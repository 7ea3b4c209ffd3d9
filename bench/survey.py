"""Run skill-lint on folders of skills and print findings per rule.

Repeat the public-collection survey of docs/validation.md on any folders:

    python bench/survey.py path/to/collection-a path/to/collection-b [--rules CB023,LK001]
    python bench/survey.py ... --json before.json      # save the counts
    python bench/survey.py ... --compare before.json   # print before/after columns
    python bench/survey.py ... --show CB023            # list every CB023 finding

Each folder is linted the way a new user would: `skill-lint --format json --no-cache FOLDER`.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
from pathlib import Path


def lint(folder: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "skill_tools.cli", "--format", "json", "--no-cache", str(folder)],
        capture_output=True, text=True,
    )
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"skill-lint failed on {folder}:\n{proc.stderr[-2000:]}")


def count_skills(folder: Path) -> int:
    return sum(1 for p in folder.rglob("SKILL.md") if ".git" not in p.parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--rules", help="only these codes, comma-separated")
    ap.add_argument("--json", type=Path, help="write the counts to this file")
    ap.add_argument("--compare", type=Path, help="counts written earlier with --json")
    ap.add_argument("--show", help="print every finding of these codes, comma-separated")
    args = ap.parse_args(argv)

    wanted = set(args.rules.split(",")) if args.rules else None
    show = set(args.show.split(",")) if args.show else set()
    counts: dict[str, dict[str, int]] = {}
    skills: dict[str, int] = {}
    for folder in args.folders:
        name = folder.name
        skills[name] = count_skills(folder)
        per_rule = collections.Counter()
        for f in lint(folder)["findings"]:
            per_rule[f["code"]] += 1
            if f["code"] in show:
                print(f"{f['path']}:{f['line']}: {f['code']} {f['message']}")
        counts[name] = dict(per_rule)

    before = json.loads(args.compare.read_text())["counts"] if args.compare else None
    codes = sorted({c for per in counts.values() for c in per} | {c for per in (before or {}).values() for c in per})
    if wanted:
        codes = [c for c in codes if c in wanted]
    names = list(counts)
    print(f"{'rule':8}" + "".join(f"{n[:18]:>20}" for n in names) + f"{'total':>10}" + (f"{'before':>10}" if before else ""))
    print(f"{'skills':8}" + "".join(f"{skills[n]:>20}" for n in names) + f"{sum(skills.values()):>10}")
    for code in codes:
        row = [counts[n].get(code, 0) for n in names]
        line = f"{code:8}" + "".join(f"{v:>20}" for v in row) + f"{sum(row):>10}"
        if before:
            line += f"{sum(b.get(code, 0) for b in before.values()):>10}"
        print(line)
    total = [sum(v for c, v in counts[n].items() if not wanted or c in wanted) for n in names]
    print(f"{'all':8}" + "".join(f"{v:>20}" for v in total) + f"{sum(total):>10}")
    if args.json:
        args.json.write_text(json.dumps({"skills": skills, "counts": counts}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
