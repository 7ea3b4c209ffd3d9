"""Reporters: each turns a `Result` into text. Every format carries the same findings."""

from __future__ import annotations

FORMATS = ("text", "json", "github", "sarif")


def render(fmt: str, result, *, color: bool = False, statistics: bool = False) -> str:
    if fmt == "json":
        from .json import render as r
    elif fmt == "github":
        from .github import render as r
    elif fmt == "sarif":
        from .sarif import render as r
    else:
        from .text import render as r
        return r(result, color=color, statistics=statistics)
    return r(result)
