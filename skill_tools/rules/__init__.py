"""The rule registry. One rule is one small class named after what it checks.

A file rule reads one parsed `Document` and yields `Hit`s; a skill rule reads the facts of
every file of a skill (`SkillFacts`) and yields `(rel, Hit)` pairs. Rules do no I/O and keep
no state between calls. The class docstring is the rule's documentation (`--explain`):
its first paragraph says what it checks, the rest why; `bad` and `good` are examples.
"""

from __future__ import annotations

import importlib
import inspect

from ..model import ERROR

FILE = "file"
SKILL = "skill"

FAMILIES = ("frontmatter", "links", "code", "templates", "structure", "meta")
_REGISTRY: dict = {}
_LOADED = False


class Rule:
    code = ""
    name = ""
    severity = ERROR
    scope = FILE
    kinds: tuple = ("markdown",)  # document kinds a file rule reads
    bad = ""
    good = ""

    def check(self, target, ctx):  # pragma: no cover - interface
        raise NotImplementedError

    @classmethod
    def summary(cls) -> str:
        return inspect.getdoc(cls).split("\n\n")[0].replace("\n", " ")

    @classmethod
    def explain(cls) -> str:
        return inspect.getdoc(cls)


def register(cls):
    if cls.code in _REGISTRY:
        raise ValueError(f"duplicate rule code {cls.code}")
    _REGISTRY[cls.code] = cls()
    return cls


def all_rules() -> dict:
    global _LOADED
    if not _LOADED:  # a family may already be imported on its own (verify imports templates)
        for family in FAMILIES:
            importlib.import_module(f"{__name__}.{family}")
        _LOADED = True
    return dict(sorted(_REGISTRY.items()))


def matches(code: str, selectors) -> bool:
    """True when `code` starts with one of `selectors` (`FM`, `LK0`, `CB013`, `ALL`)."""
    return any(s == "ALL" or code.startswith(s) for s in selectors)
