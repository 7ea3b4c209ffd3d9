"""The fast name checker reports exactly what pyflakes' own Checker reports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyflakes import checker

from skill_tools.analysis import block_checker, python_units
from skill_tools.document import Document

ROOT = Path(__file__).resolve().parent.parent

TRICKY = [
    "print(undefined)\n",
    "from os import open\n",  # shadows a builtin, unused
    "import sys as len\nlen\n",
    "def f():\n    x = 1\n    return y\n",
    "class A:\n    def m(self):\n        return __class__\n",
    "__all__ = ['missing', 'open']\n",
    "global print\nprint = 1\n",
    "del print\n",
    "def f():\n    del len\n",
    "def f():\n    print(x)\n    x = 1\n",
    "def ｐｒｉｎｔ():\n    pass\nprint(ｆ)\n",  # NFKC: the source never spells 'print'
    "ｐｒｉｎｔ(1)\n",
    "x: 'List[int]' = []\n",
    "from __future__ import annotations\nx: List = []\n",
    "try:\n    pass\nexcept NameErr:\n    pass\n",
    "[__name__, __file__, __builtins__, __debug__, WindowsError]\n",
    "lambda: (yield)\n",
    "return 1\n",
    "f'{open}'\n",
    "match x:\n    case [int(), str()]:\n        pass\n",
    # strings pyflakes reads as code can name a builtin the text never spells
    'x: "in" "t" = 1\n',
    'def f(a: "\\x69nt"):\n    pass\n',
    'from typing import cast\ncast("\\x6cist[int]", [])\n',
    'x: ("li"  # split\n   "st") = []\n',
    '__all__ = ["o" "pen"]\n',
]


def messages(cls, source, builtins=()):
    tree = ast.parse(source)
    if cls is checker.Checker:
        found = checker.Checker(tree, filename="<block>", builtins=builtins).messages
    else:
        found = cls(tree, source, builtins).messages
    return sorted((type(m).__name__, m.lineno, m.col, m.message_args) for m in found)


def bundle_blocks():
    sources = []
    for path in [ROOT / "SKILL.md", *sorted((ROOT / "references").glob("*.md"))]:
        doc = Document(str(path.relative_to(ROOT)), path.read_bytes())
        sources += [u.source for u in python_units(doc.fences) if u.python_tree[0] is not None]
    return sources


@pytest.mark.parametrize("source", TRICKY)
def test_same_messages_on_tricky_code(source):
    assert messages(block_checker(), source) == messages(checker.Checker, source)


def test_same_messages_with_template_placeholders():
    source = "print(job_name, other)\n"
    expected = messages(checker.Checker, source, {"job_name", "unused_placeholder"})
    assert messages(block_checker(), source, {"job_name", "unused_placeholder"}) == expected
    assert [m[3] for m in expected] == [("other",)]


def test_same_messages_on_every_block_of_the_bundle():
    sources = bundle_blocks()
    assert len(sources) > 40
    for source in sources:
        assert messages(block_checker(), source) == messages(checker.Checker, source), source


NAMES = st.sampled_from(["print", "len", "open", "x", "y", "os", "sys", "id", "type", "ｉｄ", "__name__"])
STATEMENTS = st.one_of(
    st.builds("{} = {}\n".format, NAMES, NAMES),
    st.builds("import {}\n".format, NAMES),
    st.builds("from m import {}\n".format, NAMES),
    st.builds("del {}\n".format, NAMES),
    st.builds("global {}\n".format, NAMES),
    st.builds("{}({})\n".format, NAMES, NAMES),
    st.builds("def {}({}):\n    return {}\n".format, NAMES, NAMES, NAMES),
    st.builds("for {} in {}:\n    pass\n".format, NAMES, NAMES),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(STATEMENTS, min_size=1, max_size=6))
def test_same_messages_on_generated_code(statements):
    source = "".join(statements)
    try:
        ast.parse(source)
    except SyntaxError:
        return
    assert messages(block_checker(), source) == messages(checker.Checker, source)


# ---- the deprecated-API prefilter skips the tree walk only when nothing can match -------


def _uses(rule) -> list:
    """Code that uses `rule`'s API, in every spelling the walk recognises."""
    pattern = rule.pattern.removesuffix(".*")
    if rule.kind == "module":
        module = pattern + (".sub" if rule.pattern.endswith(".*") else "")
        return [f"import {module}\n", f"from {module} import x\nprint(x)\n", f"import {module} as m\nprint(m)\n"]
    if rule.kind == "name":
        module, _, name = pattern.rpartition(":")
        if module:
            return [f"from {module} import {name}\nprint({name})\n", f"import {module} as m\nprint(m.{name})\n"]
        return [f"print(x.{name})\n"]
    if rule.kind == "keyword":
        return [f"{rule.call or 'f'}({pattern}=1)\n", f"x.{rule.call or 'f'}(\n    {pattern}=1,\n)\n"]
    if rule.kind == "attribute":
        return [f"print(x.{pattern})\n"]
    escaped = "".join(f"\\u{ord(c):04x}" for c in pattern)
    half = len(pattern) // 2
    return [
        f"print(context[{pattern!r}])\n",
        f'print("{{{{ {pattern} }}}}")\n',
        f"def f({pattern}):\n    return {pattern}\n",
        f'print(context["{escaped}"])\n',  # the value is the pattern; the text never spells it
        f'print(context["{pattern[:half]}" "{pattern[half:]}"])\n',
        f'print(context["{pattern[:half]}"  # split\n    f"{pattern[half:]}"])\n',
    ]


def test_every_builtin_deprecation_is_found_in_every_spelling():
    from skill_tools.analysis import CodeUnit, deprecated_uses
    from skill_tools.config import builtin_deprecations

    rules = builtin_deprecations()
    assert len(rules) > 20
    for rule in rules:
        for source in _uses(rule):
            unit = CodeUnit("python", source, list(range(1, source.count("\n") + 2)))
            assert unit.python_tree[0] is not None, source
            assert deprecated_uses(unit, [rule]), (rule.pattern, source)


def test_code_that_spells_no_deprecated_name_is_not_walked():
    from skill_tools.analysis import _may_use
    from skill_tools.config import builtin_deprecations

    rules = builtin_deprecations()
    assert not _may_use("import json\nprint(json.dumps({'a': 1}))\n", rules)
    assert not _may_use("import database\nDAG = database.connect()\n", rules)  # 'base', 'DAG', no airflow
    assert _may_use("from airflow.decorators import dag\n", rules)


def test_a_line_of_hashes_after_a_string_is_fast():
    """The adjacent-strings regex once split a run of `#` in exponentially many ways."""
    source = 'NAME = "report"\n' + "#" * 5000 + "\nprint(NAME)\n"
    code = f"from skill_tools.analysis import spelled_otherwise; print(spelled_otherwise({source!r}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("source, expected", [
    ('"""Doc."""\nx = 1\n', False),
    ('def f():\n    """Doc."""\n    return "x"\n', False),
    ('print("a", "c")\n', False),
    ('"a" # x "c"\n', False),
    ('"in" "t"', True), ('"in""t"', True), ('"""in""""t"', True), ("'in'\"t\"", True),
    ('"in"f"t"', True), ('("in"  # c\n "t")', True), ('"""a"""\n"c"', True), ('"\\x41"', True),
    ("ｐｒｉｎｔ", True),
])
def test_names_spelled_otherwise(source, expected):
    from skill_tools.analysis import spelled_otherwise

    assert spelled_otherwise(source) is expected
