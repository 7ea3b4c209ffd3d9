#!/usr/bin/env python3
# Copied from the team's shared/bench/gen_skills_corpus.py so the benchmark runs from a clean clone.
"""Generate a synthetic multi-skill repository for benchmarking skill linters.

Usage: gen_skills_corpus.py OUTDIR [SKILLS] [REFS_PER_SKILL]
Defaults: 200 skills x (1 SKILL.md + 9 references) = 2,000 Markdown files of
about 150 lines each (~16 MB). Deterministic (seeded by the arguments).

Each skill: skills/skill-NNNN/SKILL.md with valid frontmatter whose name
matches the folder, linking every reference (some with #anchors); each
reference has a table of contents, 7-8 sections, links to sibling references
and anchors, and fenced code blocks (python, yaml, bash, json, sql). About 2%
of links and 2% of python blocks are deliberately broken, so a linter has
real findings to report.
"""
import os
import random
import sys

out = sys.argv[1]
n_skills = int(sys.argv[2]) if len(sys.argv) > 2 else 200
n_refs = int(sys.argv[3]) if len(sys.argv) > 3 else 9
rng = random.Random(n_skills * 1000 + n_refs)
WORDS = ("asset schedule sensor partition backfill retry alert freshness lineage "
         "warehouse table model source stage mart check policy run job task").split()


def sent(k=12):
    return " ".join(rng.choice(WORDS) for _ in range(k)).capitalize() + "."


def slug(title):
    return "".join(c if c.isalnum() or c in "-_" else "-" if c == " " else "" for c in title.lower())


PY_OK = [
    ["from datetime import timedelta", "", "", "def delay(n: int) -> timedelta:",
     "    return timedelta(seconds=2**n)", "", "", "print(delay(3))"],
    ["import json", "", "rows = [{\"id\": 1}, {\"id\": 2}]", "print(json.dumps(rows))"],
    ["def dedupe(rows: list[dict]) -> list[dict]:", "    seen = {r[\"id\"]: r for r in rows}",
     "    return list(seen.values())"],
]
PY_BAD = [["def broken(:", "    return 1"], ["print(undefined_name_here)"]]
OTHER = [
    ("yaml", ["jobs:", "  - name: daily", "    cron: \"0 6 * * *\"", "    retries: 2"]),
    ("bash", ["set -euo pipefail", "echo \"loading\"", "ls -la | wc -l"]),
    ("json", ["{\"name\": \"daily\", \"retries\": 2}"]),
    ("sql", ["SELECT customer_id, SUM(amount) AS revenue", "FROM orders", "GROUP BY customer_id;"]),
]


def reference(skill, r):
    titles = []
    for s in range(1, 8):
        titles.append("Usage" if s % 4 == 0 else f"Section {s} {rng.choice(WORDS)}")
    lines = [f"# Reference {r} of {skill}", "", "## Contents", ""]
    seen = {}
    for t in titles:
        b = slug(t)
        k = seen.get(b, 0)
        seen[b] = k + 1
        lines.append(f"- [{t}](#{b if k == 0 else f'{b}-{k}'})")
    lines.append("")
    for t in titles:
        lines += [f"## {t}", "", sent(), sent(), ""]
        other = rng.randrange(n_refs)
        anchor = "contents" if rng.random() > 0.02 else "no-such-heading"
        lines += [f"See [ref {other}](ref-{other:02d}.md#{anchor}) and [usage](#usage) "
                  f"and [docs](https://example.com/{skill}/{r}).", ""]
        lines += [f"- item {k}: {sent(6)}" for k in range(3)] + [""]
        if rng.random() < 0.5:
            body = rng.choice(PY_BAD) if rng.random() < 0.02 else rng.choice(PY_OK)
            # Vary every block so that no two are identical (a cache of block results must not help).
            name = f"{rng.choice(WORDS)}_{rng.randrange(10**6)}"
            body = body + ["", "", f"def {name}(limit: int = {rng.randrange(1, 500)}) -> list[int]:",
                           f"    return [i * {rng.randrange(2, 9)} for i in range(limit)]"]
            lines += ["```python"] + body + ["```", ""]
        else:
            lang, body = rng.choice(OTHER)
            lines += ["```" + lang] + body + ["```", ""]
        lines += [f"### Details {t}", "", sent(20), ""]
    return "\n".join(lines[:150]) + "\n"


def skill_md(skill):
    lines = ["---", f"name: {skill}",
             f"description: {sent(10)} Use when the user asks about {rng.choice(WORDS)} work.",
             "---", "", f"# {skill}", "", sent(), "", "## References", ""]
    for r in range(n_refs):
        lines.append(f"- [Reference {r}](references/ref-{r:02d}.md) - {sent(6)}")
    lines += ["", "## Quick start", "", "```python"] + rng.choice(PY_OK) + ["```", ""]
    while len(lines) < 140:
        lines += [f"## Topic {len(lines)}", "", sent(16), ""]
    return "\n".join(lines) + "\n"


for i in range(n_skills):
    skill = f"skill-{i:04d}"
    base = os.path.join(out, "skills", skill)
    os.makedirs(os.path.join(base, "references"), exist_ok=True)
    with open(os.path.join(base, "SKILL.md"), "w") as fh:
        fh.write(skill_md(skill))
    for r in range(n_refs):
        with open(os.path.join(base, "references", f"ref-{r:02d}.md"), "w") as fh:
            fh.write(reference(skill, r))
print(f"wrote {n_skills} skills, {n_skills * (n_refs + 1)} files to {out}")
