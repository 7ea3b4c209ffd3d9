"""Property-based tests: generated and mutated Markdown, YAML frontmatter and Jinja templates fed to
the linter's engine. Whatever the input:

- no internal error (no exception out of `check_file` or `run`);
- deterministic: the same input twice gives the same findings;
- every finding has a path of the skill, a line in 1..lines of its file (1 for an empty file),
  and a code from `all_rules()`.

Runs are derandomized (CI sees the same inputs every time) and small enough for the whole file to
take well under a minute. Inputs that once broke an invariant live in tests/fuzz_regressions/ and
in REGRESSIONS below; they run first, as plain test cases.

Set SKILL_LINT_FUZZ_EXAMPLES=5000 (for instance) to run a longer, still derandomized, campaign, and
SKILL_LINT_FUZZ_RANDOM=1 as well to explore inputs CI has never seen.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill_tools.config import Config, builtin_deprecations
from skill_tools.discover import skill_files
from skill_tools.document import Document
from skill_tools.engine import check_file, run
from skill_tools.rules import all_rules

RULES = frozenset(all_rules())
CONFIG = Config(deprecations=builtin_deprecations())
CLAUDE = Config(deprecations=builtin_deprecations(), profile="claude-code")
SKILL_NAME = "fuzz-skill"
EXAMPLES = int(os.environ.get("SKILL_LINT_FUZZ_EXAMPLES", "0")) or None
RANDOM = os.environ.get("SKILL_LINT_FUZZ_RANDOM") == "1"  # explore new inputs (not for CI)
REGRESSION_DIR = Path(__file__).parent / "fuzz_regressions"


def fuzz_settings(n: int):
    return settings(
        max_examples=EXAMPLES or n,
        derandomize=not RANDOM,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# ---- invariants ----------------------------------------------------------------------------


def line_limit(rel: str, data: bytes) -> int:
    return max(1, Document(rel, data, SKILL_NAME).line_count)


def assert_hits_sane(rel: str, data: bytes, result):
    limit = line_limit(rel, data)
    for code, hit in result.hits:
        assert code in RULES, f"{rel}: unknown code {code}"
        assert 1 <= hit.line <= limit, f"{rel}: {code} at line {hit.line}, file has {limit} line(s): {hit.message}"
        assert hit.column >= 1, f"{rel}: {code} at column {hit.column}"
        assert isinstance(hit.message, str) and hit.message


def check_twice(rel: str, data: bytes, config=CONFIG, times: int = 2):
    first = check_file(rel, data, SKILL_NAME, config)
    for _ in range(times - 1):
        again = check_file(rel, data, SKILL_NAME, config)
        assert first.hits == again.hits, f"{rel}: findings differ between two runs"
        assert first.facts == again.facts, f"{rel}: facts differ between two runs"
    assert_hits_sane(rel, data, first)
    return first


def lint_skill(files: dict, config=CONFIG) -> list:
    """Write `files` (rel -> bytes) as a skill, run the engine twice, check the findings."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / SKILL_NAME
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        source = skill_files(root)
        first = run([source], config, jobs=1)
        second = run([skill_files(root)], config, jobs=1)
        assert first.findings == second.findings, "findings differ between two runs"
        display = {Path(os.path.relpath(root / rel)).as_posix(): rel for rel in
                   [r for r, _ in source.files] + [r for r, _ in source.bad_links] + sorted(source.paths)}
        for f in first.findings:
            assert f.code in RULES, f"unknown code {f.code}"
            assert f.path in display, f"finding for a path outside the skill: {f.path}"
            rel = display[f.path]
            limit = line_limit(rel, files[rel]) if rel in files else 1
            assert 1 <= f.line <= limit, f"{rel}: {f.code} at line {f.line}, file has {limit} line(s): {f.message}"
            assert f.column >= 1
        return first.findings


# ---- building blocks -----------------------------------------------------------------------

CODES = ["LK001", "LK002", "LK010", "CB001", "CB011", "CB013", "CB030", "FM023", "ST004", "SL001", "TP002",
         "LK", "CB", "ALL", "XX999", "lk001", "LK0"]
TEXT = st.text(st.characters(blacklist_categories=("Cs",), max_codepoint=0x1F600), max_size=24)
WORD = st.sampled_from([
    "Setup", "Setup & install", "`code` span", "Émoji 🎉 here", "a_b", "Same", "same", "", "  ",
    "C# and F#", "<b>bold</b>", "[link](#x)", "Contents", "Table of contents", "Legacy API", "***", "\\", "\t",
    "Use when the user asks", "--", "<!--", "-->", "{{ x }}", "${VAR}", "ünïcödé", "x" * 70,
])
PHRASE = st.one_of(WORD, TEXT)
TARGET = st.one_of(st.sampled_from([
    "references/a.md", "references/a.md#usage", "a.md", "#setup", "#same-1", "#contents", "#", "",
    "../outside.md", "../../x", "/etc/hosts", "C:\\x\\y.md", "references\\a.md", "http://example.com/x",
    "mailto:x@y.z", "file:///etc/passwd", "javascript:alert(1)", "templates/", "templates/x/t.py.j2",
    "assets/logo.png", "scripts/run.sh", "nope.md", "%2e%2e/x", "references/a.md?x=1#Usage", "<references/a.md>",
    "references/a.md \"title\"", "./references/./a.md", "references//a.md", "SKILL.md", "SKILL.md#fuzz",
]), TEXT)
SNIPPET = st.one_of(st.sampled_from([
    "import os\n\nprint(os.sep)\n", "def f(:\n", "from airflow.decorators import dag\n", "x = undefined_name\n",
    "import dagster as dg\n", "a: [1, 2\n", "a: 1\nb: [x, y]\n", "{\"a\": 1,}\n", "{\"a\": [1, 2]}\n", "[tool\n",
    "[tool]\nx = 1\n", "if then fi\n", "echo ok\n", "password = 'hunter2xyz'\n", "postgres://u:pw1234@h/db\n",
    "token: ghp_0123456789abcdefghijklmnopqrstuvwxyz\n", "a: &a [1]\nb: *a\n", "---\n---\n", "\t\x00\n",
    "```\n", "~~~\n", "    indented\n", "<!-- skill-lint-disable CB011 -- inside a fence -->\n", "",
    "def f():\n    return g()\n", "from x import *\n", "print((((((((((1))))))))))\n", "\\\n",
]), TEXT)
LANG = st.sampled_from([
    "python", "python fragment", "python continues", "py", "python3", "yaml", "yml", "json", "toml", "bash", "sh",
    "shell", "text", "", "{.python}", "PYTHON", "python title=\"x.py\"", "console", "jinja",
])


@st.composite
def fence(draw):
    marker = draw(st.sampled_from(["```", "~~~", "````"]))
    body = "".join(draw(st.lists(SNIPPET, max_size=3)))
    if body and not body.endswith("\n"):
        body += "\n"
    close = draw(st.sampled_from([marker, marker, "", "```", "~~~"]))
    indent = draw(st.sampled_from(["", "", "  ", "    "]))
    return f"{indent}{marker}{draw(LANG)}\n{body}{close}\n"


@st.composite
def directive(draw):
    action = draw(st.sampled_from(["disable", "enable", "disable-next-line", "disable-file", "disabled", "enable "]))
    codes = " ".join(draw(st.lists(st.sampled_from(CODES), max_size=3)))
    reason = draw(st.sampled_from(["", " -- migration table", " -- ", " : why", " reason words", "\n -- two lines"]))
    close = draw(st.sampled_from([" -->", "-->", "", " --!>"]))
    return f"<!-- skill-lint-{action} {codes}{reason}{close}\n"


@st.composite
def paragraph(draw):
    parts = draw(st.lists(st.one_of(
        PHRASE,
        st.builds(lambda img, text, target: f"{'!' if img else ''}[{text}]({target})", st.booleans(), PHRASE, TARGET),
        st.builds(lambda p: f"`{p}`", st.one_of(st.sampled_from(
            ["references/a.md", "templates/x/", "scripts/run.sh", "references/missing.md", "assets/", "a/b"]), TEXT)),
        st.builds(lambda t: f"<{t}>", st.sampled_from(["http://x.y", "a id=\"anchor\"", "/a", "br", "span name='n'"])),
        st.builds(lambda t: f"[{t}]", PHRASE),
    ), min_size=1, max_size=6))
    sep = draw(st.sampled_from([" ", "\n", "  \n", " \\\n"]))
    return sep.join(parts) + "\n"


BLOCK = st.one_of(
    st.builds(lambda lvl, t: "#" * lvl + " " + t + "\n", st.integers(1, 7), PHRASE),
    st.builds(lambda t: t + "\n" + "=" * 3 + "\n", PHRASE),  # setext heading
    paragraph(),
    fence(),
    directive(),
    st.builds(lambda a: f"<a id=\"{a}\"></a>\n", st.sampled_from(["anchor", "setup", "x y", ""])),
    st.builds(lambda p: "- " + p, paragraph()),
    st.builds(lambda p: "1. " + p, paragraph()),
    st.builds(lambda p: "> " + p, paragraph()),
    st.builds(lambda n, p: "  " * n + "- " + p, st.integers(0, 12), paragraph()),
    st.builds(lambda c: f"| a | b |\n|---|---|\n| {c} | `x` |\n", PHRASE),
    st.just("\n"), st.just("---\n"), st.just("<!--\n"), st.just("-->\n"), st.just("<details>\n"),
)


@st.composite
def markdown(draw, max_blocks=12):
    return "".join(draw(st.lists(BLOCK, max_size=max_blocks)))


YAML_VALUE = st.one_of(st.sampled_from([
    SKILL_NAME, "Fuzz_Skill", "claude-helper", "other-name", "yes", "no", "on", "0755", "1:30", "1_000", "~", "null",
    "'quoted'", "\"double\"", "Builds x. Use when the user asks for x.", "C # and F#", "<b>x</b>", "a: b", "[a, b]",
    "{a: 1}", "&anchor x", "*anchor", "!!python/object/apply:os.system ['true']", "!!binary aGk=", "|\n  block\n  text",
    ">-\n  folded\n  text", "x" * 1100, "'unclosed", "\"bad \\q escape\"", "- item", "", "@at", "`tick`", "%percent",
    ".inf", "0o17", "0b101", "2024-01-01", "12:30:00", "!custom tag", "? complex", "\t tabbed",
]), TEXT)
YAML_KEY = st.one_of(st.sampled_from([
    "name", "description", "license", "compatibility", "metadata", "allowed-tools", "when_to_use", "model", "hooks",
    "version", "Name", "name ", "? name", "- name", "[a]", "<<", "1", "",
]), TEXT.filter(lambda t: "\n" not in t))


@st.composite
def yaml_line(draw):
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return f"{draw(YAML_KEY)}: {draw(YAML_VALUE)}"
    if kind == 1:
        children = draw(st.lists(st.tuples(YAML_KEY, YAML_VALUE), max_size=3))
        return draw(YAML_KEY) + ":\n" + "".join(f"  {k}: {v}\n" for k, v in children).rstrip("\n")
    if kind == 2:
        items = draw(st.lists(YAML_VALUE, max_size=3))
        return draw(YAML_KEY) + ":\n" + "".join(f"  - {v}\n" for v in items).rstrip("\n")
    if kind == 3:
        return draw(st.sampled_from(["# comment", "", "...", "---", "&a x: 1", "<<: *a", "%YAML 1.2", "\t"]))
    if kind == 4:
        return draw(TEXT)
    return f"description: {draw(PHRASE)}"


@st.composite
def frontmatter(draw):
    lines = draw(st.lists(yaml_line(), max_size=8))
    if draw(st.booleans()):
        lines.insert(0, f"name: {SKILL_NAME}")
        lines.insert(1, "description: Builds fuzz. Use when the user asks for fuzz.")
    close = draw(st.sampled_from(["---", "---", "...", "", "--- ", "----"]))
    return "---\n" + "\n".join(lines) + ("\n" + close + "\n" if close else "\n")


HEADER_VARIANTS = st.sampled_from([
    "{#-\ndescription: A fuzz template.\nvariables:\n  name: {description: A name, example: orders}\n-#}\n",
    "{#-\ndescription: A fuzz template.\nvariables:\n  name: {description: A name, example: orders}\n"
    "  count: {description: How many, example: 3}\n  flag: {description: On or off, example: true}\n-#}\n",
    "{#-\ndescription: No variables.\n-#}\n",
    "{#-\ndescription: Bad variables.\nvariables: [a, b]\n-#}\n",
    "{#-\nvariables:\n  name: {example: x}\n-#}\n",
    "{#-\ndescription: [unclosed\n-#}\n",
    "{#- just a comment -#}\n",
    "{# description: x #}\n",
    "", "{#-\n", "  \n{#-\ndescription: Indented.\n-#}\n",
])
JINJA_PART = st.one_of(st.sampled_from([
    "{{ name }}", "{{ count }}", "{{ flag }}", "{{ undefined_var }}", "{% if name %}x{% endif %}",
    "{% for i in range(3) %}{{ i }}{% endfor %}", "{% for i in range(100000) %}{% endfor %}",
    "{% for c in name %}{{ c }}{% endfor %}", "{{ name|upper }}", "{{ name|default('x') }}", "{{ name.__class__ }}",
    "{{ ''.__class__.__mro__ }}", "{% raw %}{{ x }}{% endraw %}", "{#- c -#}", "{% set x = 1 %}{{ x }}",
    "{{ 1/0 }}", "{{ 'x' * 1000000 }}", "{{ 2 ** 100 }}", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(name) }}",
    "{% include 'x' %}", "{% extends 'y' %}", "{% import 'z' as q %}", "{{", "{%", "%}", "}}", "{% endfor %}",
    "{% for %}", "{{ name | nosuchfilter }}", "{{ count + 'a' }}", "{{ name[0] }}", "{{ name[100] }}",
    "\n", "import os\n", "def f(:\n", "password = 'hunter2abc'\n", "{{ name }}: 1\n", "\"{{ name }}\"\n",
    "def {{ name }}():\n    return 1\n", "{% filter upper %}x{% endfilter %}", "{{ lipsum(1) }}",
    "{{ cycler(1, 2).next() }}", "{{ namespace(a=1).a }}", "{{ range(5)|list }}", "{{ dict(a=1) }}",
]), TEXT)


@st.composite
def template(draw):
    return draw(HEADER_VARIANTS) + "".join(draw(st.lists(JINJA_PART, max_size=10)))


TEMPLATE_NAMES = st.sampled_from([
    "templates/x/fuzz.py.j2", "templates/x/fuzz.yaml.j2", "templates/x/fuzz.json.j2", "templates/x/fuzz.toml.j2",
    "templates/x/fuzz.sh.j2", "templates/x/fuzz.txt.j2", "templates/fuzz.j2", "templates/x/fuzz.md.jinja",
])


# ---- mutation ------------------------------------------------------------------------------

INSERTS = st.sampled_from([
    b"`", b"```", b"~~~", b"[", b"]", b"(", b")", b"<!--", b"-->", b"\n", b"\r\n", b"\r", b"\xef\xbb\xbf",
    b"\x00", b"\xff\xfe", b"\xe9", b"\xc3", b"---\n", b"# ", b"#", b"\t", b"    ", b"> ", b"- ", b"{{", b"}}",
    b"{%", b"%}", b"{#", b"#}", b"|", b"\\", b"&a ", b"*a", b"\xf0\x9f\x8e\x89", b"\xe2\x80\xa8", b"\x0c", b"\x1b[31m",
    b"<!-- skill-lint-disable -->", b"<!-- skill-lint-enable -->", b"<!-- skill-lint-disable-next-line -->",
])
MUTATION = st.tuples(st.integers(0, 10**6), st.sampled_from(["insert", "delete", "duplicate", "swap"]),
                     INSERTS, st.integers(1, 40))


def mutate(data: bytes, mutations) -> bytes:
    for where, op, payload, size in mutations:
        i = where % (len(data) + 1)
        if op == "insert":
            data = data[:i] + payload + data[i:]
        elif op == "delete":
            data = data[:i] + data[i + size:]
        elif op == "duplicate":
            data = data[:i] + data[i:i + size] + data[i:]
        else:
            j = (i + size) % (len(data) + 1)
            a, b = sorted((i, j))
            data = data[:a] + data[b:] + data[a:b]
    return data


# ---- file-level properties -----------------------------------------------------------------


@fuzz_settings(300)
@given(text=markdown())
def test_reference_markdown(text):
    check_twice("references/fuzz.md", text.encode("utf-8"))


@fuzz_settings(250)
@given(fm=frontmatter(), body=markdown(max_blocks=4), claude=st.booleans())
def test_skill_md_frontmatter(fm, body, claude):
    check_twice("SKILL.md", (fm + body).encode("utf-8"), CLAUDE if claude else CONFIG)


@fuzz_settings(250)
@given(text=template(), rel=TEMPLATE_NAMES)
def test_templates(text, rel):
    check_twice(rel, text.encode("utf-8"))


@fuzz_settings(300)
@given(base=st.one_of(markdown(), st.builds(str.__add__, frontmatter(), markdown(max_blocks=4)), template()),
       mutations=st.lists(MUTATION, min_size=1, max_size=6),
       rel=st.sampled_from(["SKILL.md", "references/fuzz.md", "templates/x/fuzz.py.j2", "scripts/fuzz.py",
                            "assets/fuzz.yaml", "assets/fuzz.json", "assets/fuzz.toml", "scripts/fuzz.sh"]))
def test_mutated_bytes(base, mutations, rel):
    check_twice(rel, mutate(base.encode("utf-8"), mutations))


# ---- skill-level properties (links, anchors, suppressions across files) --------------------


@fuzz_settings(150)
@given(fm=frontmatter(), skill=markdown(max_blocks=8), ref=markdown(max_blocks=8), tpl=template(),
       mutations=st.lists(MUTATION, max_size=3))
def test_whole_skill(fm, skill, ref, tpl, mutations):
    lint_skill({
        "SKILL.md": mutate((fm + skill).encode("utf-8"), mutations),
        "references/a.md": ref.encode("utf-8"),
        "templates/x/t.py.j2": tpl.encode("utf-8"),
        "scripts/run.sh": b"#!/bin/sh\necho ok\n",
    })


# ---- regressions: inputs that once broke an invariant --------------------------------------

# (rel, content): kept small and explicit; the files in tests/fuzz_regressions/ hold the others.
# Each is checked five times, so a finding that depends on chance shows.
HEADER = "{#-\ndescription: A fuzz template.\nvariables:\n  name: {description: A name, example: orders}\n-#}\n"
REGRESSIONS = [
    # CB021 at line 2 of a 1-line file: a parse error at end of input points past the last line
    ("assets/fuzz.json", "{\n"),
    ("scripts/fuzz.py", "def f(\n"),
    # TP004 at line 3 of a 2-line file: header YAML error at the end of the header
    ("templates/x/fuzz.py.j2", "{#-\n{#- c -#}"),
    # an unknown filter is a compile-time error: it crashed the engine (TemplateAssertionError)
    ("templates/x/fuzz.py.j2", HEADER + "{{ name | nosuchfilter }}\n"),
    ("templates/x/fuzz.py.j2", HEADER + "{{ name | nosuchtest is nosuchtest }}{% if name is nosuchtest %}{% endif %}\n"),
    # Jinja's random filter: findings that change from run to run
    ("templates/x/fuzz.py.j2", HEADER + "x = {{ ['1', '(', '[[', '2 +', '{'] | random }}\n"),
]


def _regression_files():
    if not REGRESSION_DIR.is_dir():
        return []
    return sorted(p for p in REGRESSION_DIR.iterdir() if p.is_file() and p.name != "README.md")


def _rel_for(path: Path) -> str:
    """`skill--x.md` -> SKILL.md, `ref--x.md` -> references/fuzz.md, `tpl--x.py.j2` -> templates/x/fuzz.py.j2,
    `script--x.py` -> scripts/fuzz.py, `asset--x.yaml` -> assets/fuzz.yaml."""
    kind, _, rest = path.name.partition("--")
    suffix = rest[rest.index("."):] if "." in rest else ""
    return {"skill": "SKILL.md", "ref": "references/fuzz" + suffix, "tpl": "templates/x/fuzz" + suffix,
            "script": "scripts/fuzz" + suffix, "asset": "assets/fuzz" + suffix}[kind]


@pytest.mark.parametrize("rel,content", REGRESSIONS, ids=[f"list-{i}" for i in range(len(REGRESSIONS))])
def test_regression_list(rel, content):
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    check_twice(rel, data, times=5)
    lint_skill({rel: data, **({} if rel == "SKILL.md" else {"SKILL.md": f"---\nname: {SKILL_NAME}\n---\n".encode()})})


@pytest.mark.parametrize("path", _regression_files(), ids=lambda p: p.name)
def test_regression_corpus(path):
    rel = _rel_for(path)
    data = path.read_bytes()
    check_twice(rel, data, times=5)
    lint_skill({rel: data, **({} if rel == "SKILL.md" else {"SKILL.md": f"---\nname: {SKILL_NAME}\n---\n".encode()})})
