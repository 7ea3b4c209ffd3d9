"""The fast name checker reports exactly what pyflakes' own Checker reports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyflakes import checker

from skill_tools.code import block_checker, python_units
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
