"""What the skill-wide rules need to know of each file, small enough to cache and to send
between processes: anchors, links, path mentions and suppression ranges.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from .document import MARKDOWN, OTHER

SKILL_DIRS = ("references", "templates", "scripts", "assets")

_PATH_TOKEN = re.compile(r"(?<![\w/.:-])((?:\.\.?/)*(?:[\w.-]+/)+[\w.-]*)")


@dataclass
class FileFacts:
    rel: str
    kind: str
    anchors: frozenset = frozenset()
    links: tuple = ()  # Link
    spans: tuple = ()  # CodeSpan that look like paths
    mentions: frozenset = frozenset()  # skill-relative paths named anywhere in the text
    ranges: tuple = ()  # Suppression
    fences: int = 0
    python_blocks: int = 0
    fragments: int = 0


@dataclass(frozen=True)
class Suppression:
    codes: tuple  # empty: every code
    start: int
    end: int
    line: int  # where the directive is written
    action: str
    reason: str


@dataclass
class SkillFacts:
    root: str  # display path of the skill folder
    name: str  # folder name
    files: dict = field(default_factory=dict)  # rel -> FileFacts
    paths: frozenset = frozenset()  # every file and folder inside the skill folder, relative


def mentions_in(doc) -> frozenset:
    """Paths a text names, resolved against the skill root and against the file's folder."""
    if doc.kind == OTHER:
        return frozenset()
    here = posixpath.dirname(doc.rel)
    out = set()
    for m in _PATH_TOKEN.finditer(doc.text):
        token = m.group(1).rstrip("/.")
        if not token:
            continue
        for base in ("", here):
            path = posixpath.normpath(posixpath.join(base, token))
            if not path.startswith(".."):
                out.add(path)
    return frozenset(out)


def suppression_ranges(doc) -> tuple:
    out = []
    open_ranges: dict = {}
    last = doc.line_count + 1
    fence_ends = {f.line: f.end for f in doc.fences}
    for d in doc.directives:
        if d.action == "disable-file":
            out.append(Suppression(d.codes, 1, last, d.line, d.action, d.reason))
        elif d.action == "disable-next-line":
            target = d.line + 1
            while target <= doc.line_count and not doc.lines[target - 1].strip():
                target += 1
            end = fence_ends.get(target, target)
            out.append(Suppression(d.codes, target, end, d.line, d.action, d.reason))
        elif d.action == "disable":
            open_ranges[d.codes] = d
        elif d.action == "enable":
            start = open_ranges.pop(d.codes, None)
            if start is not None:
                out.append(Suppression(start.codes, start.line, d.line, start.line, "disable", start.reason))
    for d in open_ranges.values():
        out.append(Suppression(d.codes, d.line, last, d.line, "disable", d.reason))
    return tuple(out)


def facts_of(doc) -> FileFacts:
    facts = FileFacts(doc.rel, doc.kind, mentions=mentions_in(doc))
    if doc.kind == MARKDOWN and not doc.binary:
        from .code import PYTHON_LANGS

        python = [f for f in doc.fences if f.lang in PYTHON_LANGS]
        facts.anchors = doc.anchors
        facts.links = tuple(doc.links)
        facts.spans = tuple(s for s in doc.code_spans if "/" in s.content)
        facts.ranges = suppression_ranges(doc)
        facts.fences = len(doc.fences)
        facts.python_blocks = len(python)
        facts.fragments = sum(1 for f in python if "fragment" in f.options)
    return facts
