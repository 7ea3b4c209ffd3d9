"""Hostile input: skill-lint must answer every one of these with exit 0 or 1, valid JSON and no
traceback, within seconds, and never execute, follow or expand what it reads.

Each test builds a skill under tmp_path and runs the real command line in a subprocess with a
timeout, so a hang fails the test instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

TIME_LIMIT = 30.0  # seconds for one skill-lint run on one hostile skill (a few on an idle machine)
DESCRIPTION = "Builds small widgets from parts. Use when the user asks for a widget."

# A YAML "billion laughs": 9 ** 9 list items once expanded.
ALIAS_BOMB = """\
a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""

HEADER = """\
{#-
description: A template written to attack the renderer.
variables:
  name: {description: Any name, example: orders}
-#}
"""


def skill_md(name: str, body: str = "", *, frontmatter: str = "") -> str:
    return f"---\nname: {name}\ndescription: {DESCRIPTION}\n{frontmatter}---\n# Skill\n\n{body}"


def make_skill(tmp_path: Path, files: dict, *, name: str = "hostile-skill", skill: str | bytes | None = None) -> Path:
    """A skill at tmp_path/name whose SKILL.md links every reference and names every other file."""
    root = tmp_path / name
    root.mkdir(parents=True)
    if skill is None:
        lines = []
        for rel in sorted(files):
            if rel.startswith("references/"):
                lines.append(f"- [{rel}]({rel})")
            else:
                lines.append(f"- `{rel}`")
        skill = skill_md(name, "Files:\n\n" + "\n".join(lines) + "\n")
    (root / "SKILL.md").write_bytes(skill if isinstance(skill, bytes) else skill.encode("utf-8"))
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def run_lint(skill: Path, *extra, limit: float = TIME_LIMIT):
    """skill-lint SKILL --no-cache --format json, in a subprocess. Returns (code, findings, seconds)."""
    cmd = [sys.executable, "-m", "skill_tools.cli", skill.name, "--no-cache", "--format", "json", *extra]
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=skill.parent, capture_output=True, timeout=limit,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    except subprocess.TimeoutExpired:
        pytest.fail(f"skill-lint did not finish within {limit:.0f} s on {skill.name}")
    elapsed = time.monotonic() - start
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert proc.returncode in (0, 1), f"exit {proc.returncode}: {err}"
    doc = json.loads(proc.stdout)  # valid JSON, whatever the input
    assert doc["version"] == 1
    findings = doc["findings"]
    prefix = skill.name + "/"
    for f in findings:
        assert f["path"].startswith(prefix), f
        f["rel"] = f["path"][len(prefix):]
    assert elapsed < limit
    return proc.returncode, findings, elapsed


def found(findings) -> set:
    """{(rel, code)}"""
    return {(f["rel"], f["code"]) for f in findings}


def codes_at(findings, rel) -> set:
    return {f["code"] for f in findings if f["rel"] == rel}


# ---- encodings and line endings ---------------------------------------------------------


def test_utf8_bom_before_frontmatter(tmp_path):
    name = "bom-skill"
    skill = make_skill(tmp_path, {"references/guide.md": "\ufeff# Guide\n\nText.\n"}, name=name,
                       skill=("\ufeff" + skill_md(name, "[guide](references/guide.md)\n")).encode())
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert found(findings) == {("SKILL.md", "FM001")}  # only the BOM; the frontmatter is still read
    bom = [f for f in findings if f["code"] == "FM001"][0]
    assert bom["line"] == 1 and "byte order mark" in bom["message"]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_crlf_and_cr_line_endings(tmp_path, newline):
    name = "crlf-skill"
    body = "[guide](references/guide.md)\n\n## Usage\n\n[missing](references/nope.md)\n"
    text = skill_md(name, body).replace("\n", newline)
    guide = "# Guide\n\n## Usage\n\n```python\nimport os\n\nprint(os.sep)\n```\n".replace("\n", newline)
    skill = make_skill(tmp_path, {"references/guide.md": guide}, name=name, skill=text.encode())
    code, findings, _ = run_lint(skill)
    assert code == 1
    # line numbers count CRLF / CR as one line break: the broken link is on line 11
    assert [(f["rel"], f["line"], f["code"]) for f in findings] == [("SKILL.md", 11, "LK001")]


def test_non_utf8_file_reported_and_rest_still_checked(tmp_path):
    guide = b"# Guide\n\nCaf\xe9 au lait.\n\n[missing](nope.md)\n\n```\nno language\n```\n"
    skill = make_skill(tmp_path, {"references/guide.md": guide})
    code, findings, _ = run_lint(skill)
    assert code == 1
    io = [f for f in findings if f["code"] == "IO001"]
    assert len(io) == 1
    assert io[0]["rel"] == "references/guide.md" and io[0]["line"] == 3 and io[0]["column"] == 4
    # the rest of the file is still checked
    assert ("references/guide.md", "LK001") in found(findings)
    assert ("references/guide.md", "CB001") in found(findings)
    assert [f["line"] for f in findings if f["code"] == "LK001"] == [5]


def test_binary_file_under_references(tmp_path):
    blob = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64 + b"\x00" * 100
    skill = make_skill(tmp_path, {"references/diagram.md": blob, "references/image.png": blob})
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert "IO002" in codes_at(findings, "references/diagram.md")
    assert all(c.startswith("IO") for c in codes_at(findings, "references/diagram.md"))  # not parsed
    assert codes_at(findings, "references/image.png") == set()  # binary assets are fine


def test_binary_file_is_reported_once(tmp_path):
    """IO002 says the file is binary and not checked further; IO001 (not UTF-8) repeats it."""
    blob = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64 + b"\x00" * 100
    skill = make_skill(tmp_path, {"references/diagram.md": blob})
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert codes_at(findings, "references/diagram.md") == {"IO002"}


def test_empty_skill_md(tmp_path):
    skill = make_skill(tmp_path, {}, skill=b"")
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert found(findings) == {("SKILL.md", "FM001")}
    assert all(f["line"] == 1 for f in findings)


def test_whitespace_only_files(tmp_path):
    skill = make_skill(tmp_path, {"references/blank.md": "\n\n\n", "scripts/empty.py": "",
                                  "templates/x/empty.txt.j2": ""}, skill=b"\n\n\n")
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert ("SKILL.md", "FM001") in found(findings)
    assert ("templates/x/empty.txt.j2", "TP004") in found(findings)


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"], ids=["NEL", "LS", "PS"])
def test_unicode_line_separators_keep_line_numbers(tmp_path, separator):
    """YAML 1.1 breaks lines at NEL, LS and PS; the file's lines (and every finding) do not."""
    name = "sep-skill"
    text = (f'---\ndescription: "Builds x {separator} y. Use when the user asks for x."\nname: Bad_Name\n---\n'
            f"# Skill\n\nText {separator} more.\n\n[missing](references/nope.md)\n")
    skill = make_skill(tmp_path, {}, name=name, skill=text)
    code, findings, _ = run_lint(skill)
    assert code == 1
    lines = {(f["code"], f["line"]) for f in findings}
    assert ("FM011", 3) in lines, findings  # `name:` is on line 3
    assert ("LK001", 9) in lines, findings


# ---- YAML --------------------------------------------------------------------------------


def test_yaml_alias_bomb_in_frontmatter(tmp_path):
    name = "bomb-skill"
    skill = make_skill(tmp_path, {}, name=name, skill=skill_md(name, frontmatter=ALIAS_BOMB))
    code, findings, elapsed = run_lint(skill)
    assert code == 1
    fm = [f for f in findings if f["code"] == "FM003"]
    assert len(fm) == 1 and "alias bomb" in fm[0]["message"]
    assert 4 <= fm[0]["line"] <= 12


def test_yaml_alias_bomb_in_code_block_and_template_header(tmp_path):
    guide = "# Guide\n\n```yaml\n" + ALIAS_BOMB + "```\n"
    template = "{#-\ndescription: bomb\n" + ALIAS_BOMB + "-#}\nx\n"
    skill = make_skill(tmp_path, {"references/guide.md": guide, "templates/x/bomb.txt.j2": template})
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert ("references/guide.md", "CB020") in found(findings)
    assert ("templates/x/bomb.txt.j2", "TP004") in found(findings)


# ---- symbolic links ----------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlink_loop_and_links_outside_are_reported_never_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    # if skill-lint followed these links it would report the broken links inside them
    (outside / "secret.md").write_text("# Outside\n\n[broken](nowhere.md)\n")
    (outside / "notes.md").write_text("# Notes\n\n[broken](nowhere.md)\n")
    skill = make_skill(tmp_path, {"references/guide.md": "# Guide\n"})
    refs = skill / "references"
    os.symlink("loop-b.md", refs / "loop-a.md")
    os.symlink("loop-a.md", refs / "loop-b.md")
    os.symlink(outside / "secret.md", refs / "secret.md")
    os.symlink("../../outside", refs / "shared")
    os.symlink(outside, skill / "assets")
    os.symlink("self", refs / "self")  # a link to itself
    code, findings, _ = run_lint(skill)
    assert code == 1
    io3 = {f["rel"] for f in findings if f["code"] == "IO003"}
    assert io3 == {"references/loop-a.md", "references/loop-b.md", "references/secret.md",
                   "references/shared", "references/self", "assets"}
    assert not any(f["code"] == "LK001" for f in findings), findings  # outside files never read


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_link_through_a_symlinked_folder_outside_is_not_followed(tmp_path):
    """SKILL.md links docs/notes.md where docs -> a folder outside the skill."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "notes.md").write_text("# Outside\n\n[broken](nowhere.md)\n\n" + SECRET_FENCE)
    skill = make_skill(tmp_path, {"references/guide.md": "# Guide\n"},
                       skill=skill_md("hostile-skill", "[guide](references/guide.md) and [notes](docs/notes.md)\n"))
    os.symlink(outside, skill / "docs")
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert codes_at(findings, "docs/notes.md") <= {"IO003"}, findings  # never read
    assert any(f["code"] == "IO003" and f["rel"] in ("docs", "docs/notes.md") for f in findings), findings


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_directory_symlink_loop_inside_the_skill(tmp_path):
    skill = make_skill(tmp_path, {"references/guide.md": "# Guide\n"})
    os.symlink(".", skill / "references" / "again")  # references/again/again/... forever
    os.symlink("..", skill / "references" / "up")
    code, findings, _ = run_lint(skill)
    assert code in (0, 1)
    assert not any(f["rel"].startswith(("references/again/", "references/up/")) for f in findings)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_in_references_is_not_read(tmp_path):
    """A FIFO blocks the reader forever; skill-lint must not open it."""
    skill = make_skill(tmp_path, {"references/guide.md": "# Guide\n"})
    os.mkfifo(skill / "references" / "pipe.md")
    code, findings, _ = run_lint(skill, limit=10)
    assert code in (0, 1)


# ---- size and depth ----------------------------------------------------------------------


def test_five_megabyte_reference(tmp_path):
    para = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n" * 8
    prose = ("### Part\n\n" + para + "\nSee [the top](#top) and `references/big.md`.\n\n") * 20
    block = "## Section\n\n" + prose + "```python\nimport os\n\nprint(os.sep)\n```\n\n"
    body = "# Top\n\n" + block * (5 * 1024 * 1024 // len(block) + 1) + "[missing](#nowhere)\n"
    assert len(body) > 5 * 1024 * 1024
    skill = make_skill(tmp_path, {"references/big.md": body})
    code, findings, elapsed = run_lint(skill, limit=60)
    assert code == 1
    assert codes_at(findings, "references/big.md") == {"ST003", "LK002"}  # checked to the end


def test_long_single_line_in_a_script(tmp_path):
    """One 100 KB line of word characters (a hex dump, a minified blob) in a checked file."""
    blob = "deadbeef" * 12_500
    skill = make_skill(tmp_path, {"scripts/data.py": f'DATA = "{blob}"\n',
                                  "references/guide.md": f"# Guide\n\n```yaml\ndata: {blob}\n```\n"})
    code, findings, elapsed = run_lint(skill)
    assert code in (0, 1)


SECRET_FENCE = "```bash\nexport DB=postgres://etl:hunter22@db/prod\n```\n"


@pytest.mark.parametrize("depth", [3, 12, 30])
@pytest.mark.parametrize("shape", ["indented", "inline", "blockquote"])
def test_content_after_moderately_nested_markdown_is_checked(tmp_path, shape, depth):
    """Nothing after a nested list may escape the checks: not a broken link, not a secret."""
    if shape == "indented":
        nested = "".join("  " * i + "- item\n" for i in range(depth))
    elif shape == "inline":
        nested = "- " * depth + "item\n"
    else:
        nested = "> " * depth + "quote\n"
    body = "# Deep\n\n" + nested + "\n" + SECRET_FENCE + "\n[missing](nope.md)\n"
    skill = make_skill(tmp_path, {"references/deep.md": body})
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert {"LK001", "CB030"} <= codes_at(findings, "references/deep.md")


@pytest.mark.parametrize("shape", ["indented", "inline", "blockquote", "ordered"])
def test_markdown_nested_2000_deep(tmp_path, shape):
    if shape == "indented":
        nested = "".join("  " * i + "- item\n" for i in range(2000))
    elif shape == "inline":
        nested = "- " * 2000 + "item\n"
    elif shape == "blockquote":
        nested = "> " * 2000 + "quote\n"
    else:
        nested = "1. " * 2000 + "item\n"
    skill = make_skill(tmp_path, {"references/deep.md": "# Deep\n\n" + nested + "\n[missing](nope.md)\n"})
    code, findings, _ = run_lint(skill)
    assert code == 1
    # the parser has no nesting limit: the link after the nesting is still checked
    assert "LK001" in codes_at(findings, "references/deep.md")


def test_yaml_nested_2000_deep_in_frontmatter(tmp_path):
    name = "deep-yaml-skill"
    flow = "metadata: " + "[" * 2000 + "]" * 2000 + "\n"
    skill = make_skill(tmp_path, {}, name=name, skill=skill_md(name, frontmatter=flow))
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert codes_at(findings, "SKILL.md") & {"FM003", "FM030"}


def test_yaml_block_nested_2000_deep_in_frontmatter(tmp_path):
    name = "deep-block-skill"
    block = "metadata:\n" + "".join("  " * (i + 1) + "-\n" for i in range(2000))
    skill = make_skill(tmp_path, {}, name=name, skill=skill_md(name, frontmatter=block))
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert "FM003" in codes_at(findings, "SKILL.md")


def test_yaml_nested_2000_deep_in_code_blocks(tmp_path):
    flow = "[" * 2000 + "]" * 2000
    block = "- " * 2000 + "x\n"  # a block sequence 2,000 deep on one line
    mapping = "".join(" " * i + "k:\n" for i in range(2000))  # 2,000 nested mappings, 2 MB
    guide = f"# Guide\n\n```yaml\n{flow}\n```\n\n```yaml\n{block}```\n\n```json\n{flow}\n```\n"
    skill = make_skill(tmp_path, {"references/guide.md": guide, "assets/deep.yaml": mapping})
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert [f["line"] for f in findings if f["code"] == "CB020" and f["rel"] == "references/guide.md"] == [4, 8]
    assert "CB021" in codes_at(findings, "references/guide.md")
    assert "CB020" in codes_at(findings, "assets/deep.yaml")


def test_python_nested_2000_deep(tmp_path):
    guide = "# Guide\n\n```python\nx = " + "(" * 2000 + "1" + ")" * 2000 + "\n```\n"
    skill = make_skill(tmp_path, {"references/guide.md": guide, "scripts/deep.py": "y = " + "[" * 2000 + "]" * 2000 + "\n"})
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert "CB010" in codes_at(findings, "references/guide.md")
    assert "CB010" in codes_at(findings, "scripts/deep.py")


def test_5000_headings_with_the_same_title(tmp_path):
    body = "# Guide\n\n" + "## Same\n\nText.\n\n" * 5000
    body += "[last](#same-4999) [first](#same) [beyond](#same-5000)\n"
    skill = make_skill(tmp_path, {"references/guide.md": body})
    code, findings, _ = run_lint(skill)
    assert code == 1
    anchors = [f for f in findings if f["code"] == "LK002"]
    assert len(anchors) == 1 and "#same-5000" in anchors[0]["message"]
    assert ("references/guide.md", "ST003") in found(findings)


# ---- templates ---------------------------------------------------------------------------


def _template_skill(tmp_path, body: str) -> Path:
    return make_skill(tmp_path, {"templates/x/attack.txt.j2": HEADER + "{{ name }}\n" + body})


@pytest.mark.parametrize("body", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ name.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__.os.system('touch PWNED') }}",
    "{{ self._TemplateReference__context }}",
    "{% set x = namespace() %}{{ x.__class__.__base__ }}",
], ids=["mro", "var-mro", "globals", "context", "namespace"])
def test_template_sandbox_escape_is_tp002(tmp_path, body):
    skill = _template_skill(tmp_path, body)
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert "TP002" in codes_at(findings, "templates/x/attack.txt.j2")
    assert not (tmp_path / "PWNED").exists() and not (skill / "PWNED").exists()


@pytest.mark.parametrize("body", [
    "{% for i in range(10 ** 9) %}x{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{ 'x' * 10 ** 9 }}",
    "{{ 2 ** (10 ** 9) }}",
    "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
], ids=["range-1e9", "range-nested", "repeat", "power", "recursion"])
def test_template_runaway_is_bounded_tp002(tmp_path, body):
    skill = _template_skill(tmp_path, body)
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert "TP002" in codes_at(findings, "templates/x/attack.txt.j2")


@pytest.mark.parametrize("body", [
    # 10^10 iterations over lists that range() never sees
    "{% set l = [0] * 100000 %}{% for a in l %}{% for b in l %}{% endfor %}{% endfor %}",
    "{% for a in 'x'|center(100000) %}{% for b in 'y'|center(100000) %}{% endfor %}{% endfor %}",
    # Jinja's lipsum() global builds 10^7 paragraphs before any output
    "{{ lipsum(n=10000000)|length }}",
], ids=["list-loop-1e10", "string-loop-1e10", "lipsum"])
def test_template_runaway_without_range_is_bounded(tmp_path, body):
    skill = _template_skill(tmp_path, body)
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert "TP002" in codes_at(findings, "templates/x/attack.txt.j2")


def test_many_runaway_templates_are_bounded_together(tmp_path):
    """A time limit per template is not a bound on the run: eight templates that each loop 10^10
    times must not take eight times the per-template limit."""
    body = "{% set l = [0] * 100000 %}{% for a in l %}{% for b in l %}{% endfor %}{% endfor %}"
    skill = make_skill(tmp_path, {f"templates/x/attack{i}.txt.j2": HEADER + "{{ name }}\n" + body for i in range(8)})
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert sum(1 for f in findings if f["code"] == "TP002") == 8


# ---- nothing is executed -----------------------------------------------------------------


def test_code_is_never_executed(tmp_path):
    marker = tmp_path / "PWNED"
    py = f"import pathlib\n\npathlib.Path({str(marker)!r}).write_text('imported')\n"
    guide = (
        "# Guide\n\n```python\n" + py + "```\n\n"
        f"```bash\ntouch {marker}-bash\n```\n\n"
        f"```python\nimport os\n\nos.system('touch {marker}-system')\n```\n"
    )
    template = HEADER + f"import pathlib\n\npathlib.Path({str(marker)!r} + '-{{{{ name }}}}').write_text('x')\n"
    skill = make_skill(tmp_path, {
        "references/guide.md": guide,
        "scripts/setup.py": py,
        "scripts/run.sh": f"#!/bin/sh\ntouch {marker}-sh\n",
        "templates/x/write.py.j2": template,
        "scripts/conftest.py": py,
        "scripts/__init__.py": py,
    })
    code, findings, _ = run_lint(skill)
    assert code in (0, 1)
    written = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("PWNED"))
    assert written == [], f"static lint executed code: {written}"


# ---- odd names ---------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
def test_odd_file_names(tmp_path):
    skill = make_skill(tmp_path, {"references/guide.md": "# Guide\n"})
    refs = os.fsencode(skill / "references")
    for raw in (b"caf\xe9.md", b"new\nline.md", b"tab\there.md", b"-rf.md", b"quote\"'.md"):
        with open(os.path.join(refs, raw), "wb") as fh:
            fh.write(b"# X\n")
    code, findings, _ = run_lint(skill)
    assert code == 1
    assert sum(1 for f in findings if f["code"] == "LK010") == 5


def test_fifty_thousand_links_on_one_line(tmp_path):
    """Each link's column is searched from where the link starts, not from the line's start."""
    line = " ".join(f"[é{i}](missing-{i}.md)" for i in range(50_000))
    skill = make_skill(tmp_path, {"references/links.md": "# Links\n\n" + line + "\n"})
    code, findings, _ = run_lint(skill)
    assert code == 1
    missing = [f for f in findings if f["code"] == "LK001" and f["rel"] == "references/links.md"]
    assert len(missing) == 50_000
    assert missing[-1]["column"] == len(line) - len("missing-49999.md)") + 1
