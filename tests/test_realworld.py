"""Realistic fixtures modelled on public skill collections: each case under
tests/fixtures/realworld/<case>/ is a skill folder (`skill/`, or the case folder itself holding
several skills) and an `expect.txt`:

    # select: CB023,LK001          the rules the case is about (others are not looked at)
    # args: --profile claude-code  optional extra skill-lint arguments
    SKILL.md:45 CB023              every finding those rules must report, and no other

False cases (what a good skill legitimately writes) and true cases (the defect the rule exists
for) sit side by side in the same files, so a fix that silences a rule entirely fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill_tools.cli import main

ROOT = Path(__file__).parent / "fixtures" / "realworld"
CASES = sorted(p.parent.name for p in ROOT.glob("*/expect.txt"))


def read_expect(case: Path):
    select, args, expected = "", [], set()
    for raw in (case / "expect.txt").read_text("utf-8").splitlines():
        line = raw.strip()
        if line.startswith("# select:"):
            select = line.split(":", 1)[1].strip()
        elif line.startswith("# args:"):
            args = line.split(":", 1)[1].split()
        elif line and not line.startswith("#"):
            where, code = line.split()
            path, lineno = where.rsplit(":", 1)
            expected.add((path, int(lineno), code))
    assert select, f"{case}/expect.txt names no '# select:' rules"
    return select, args, expected


def test_there_are_cases():
    assert len(CASES) >= 10, CASES


@pytest.mark.parametrize("name", CASES)
def test_realworld_case(name, capsys):
    case = ROOT / name
    select, args, expected = read_expect(case)
    target = case / "skill" if (case / "skill").is_dir() else case / "skills"
    main(["--no-cache", "--format", "json", "--select", select, *args, str(target)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    found = set()
    for f in json.loads(out)["findings"]:
        path = Path(f["path"]).resolve().relative_to(target.resolve()).as_posix()
        found.add((path, f["line"], f["code"]))
    assert sorted(found - expected) == [], "unexpected findings"
    assert sorted(expected - found) == [], "missed findings"
