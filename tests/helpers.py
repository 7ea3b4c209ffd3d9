"""Build skills in temporary folders and run skill-lint on them."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from skill_tools.cli import main

SKILL_MD = """\
---
name: my-skill
description: Builds widgets from parts. Use when the user asks for a widget.
---
# My skill

Read [the guide](references/guide.md) first.
"""

GUIDE = """\
# Guide

## Usage

Run it.
"""


def write_skill(root: Path, files: dict | None = None, name: str = "my-skill") -> Path:
    """A valid skill at root/name, with `files` (rel -> text or bytes; None deletes) on top."""
    skill = root / name
    base = {"SKILL.md": SKILL_MD.replace("my-skill", name), "references/guide.md": GUIDE}
    base.update(files or {})
    for rel, content in base.items():
        path = skill / rel
        if content is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, "utf-8")
    return skill


def lint(capsys, *args) -> tuple:
    """Run the CLI with --format json; return (exit code, findings, whole JSON document)."""
    code = main(["--no-cache", "--format", "json", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    if code == 2:
        raise AssertionError(f"skill-lint exited 2: {err}")
    doc = json.loads(out)
    return code, doc["findings"], doc


def codes(findings) -> list:
    return sorted({f["code"] for f in findings})
