"""What the skill-wide rules need to know of each file, small enough to cache and to send
between processes: anchors, links, path mentions and suppression ranges.
"""

from __future__ import annotations

import ast
import posixpath
import re
from urllib.parse import unquote
from dataclasses import dataclass, field

from .document import MARKDOWN, OTHER, PYTHON, SHELL, CodeSpan

SKILL_DIRS = ("references", "templates", "scripts", "assets")

_MODULE_RUN = re.compile(r"-m\s+((?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*)")  # python -m scripts.run_loop
_FILE_NAME = re.compile(r"(?<![\w.-])[\w-][\w.-]*\.[A-Za-z][A-Za-z0-9]{0,9}\b")
_PATH_TOKEN = re.compile(r"(?<![\w/.:-])((?:\.\.?/)*(?:[\w.-]+/)+[\w.-]*)")


# Variables a skill uses for its own folder: `{baseDir}/references/x.md`, `${CLAUDE_SKILL_DIR}/scripts/y.py`.
ROOT_VAR = re.compile(r"(?:\$\{(?:baseDir|CLAUDE_SKILL_DIR|SKILL_DIR)\}|\{baseDir\}|\$(?:CLAUDE_SKILL_DIR|SKILL_DIR)\b)/")
_PROSE_NOISE = re.compile(r"`[^`]*`|\]\([^)]*\)|<[^>\n]*>|\b[a-z][a-z0-9+.-]*://\S*|\S+@\S+")

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_DRIVE = re.compile(r"^[a-zA-Z]:[\\/]")


@dataclass(frozen=True)
class Target:
    """A link target resolved against the linking file (skill-relative `path`)."""

    path: str
    fragment: str
    external: bool
    absolute: bool
    backslash: bool
    escapes: bool
    installed: bool
    hidden: bool


def resolve_link(source_rel: str, raw: str) -> Target:
    rooted = ROOT_VAR.match(unquote(raw))
    if rooted:  # {baseDir}/x: relative to the skill folder, wherever the linking file is
        raw, source_rel = unquote(raw)[rooted.end():], "SKILL.md"
    external = bool(_SCHEME.match(raw)) and not _DRIVE.match(raw) and not raw.lower().startswith("file:")
    absolute = raw.startswith(("/", "file:")) or bool(_DRIVE.match(raw))
    backslash = "\\" in unquote(raw)  # as written, or percent-encoded (%5C)
    path, _, fragment = raw.replace("%5C", "/").replace("%5c", "/").replace("\\", "/").partition("#")
    path = unquote(path.split("?", 1)[0])
    path = source_rel if not path else posixpath.normpath(posixpath.join(posixpath.dirname(source_rel), path))
    parts = path.split("/")
    return Target(
        path=path,
        fragment=unquote(fragment),
        external=external,
        absolute=absolute,
        backslash=backslash,
        escapes=path == ".." or path.startswith("../"),
        installed=path == "SKILL.md" or parts[0] in SKILL_DIRS,
        hidden=any(part.startswith(".") and part != ".." for part in parts),
    )


@dataclass
class FileFacts:
    rel: str
    kind: str
    anchors: frozenset = frozenset()
    links: tuple = ()  # Link
    targets: tuple = ()  # Target of each link, resolved where the file is checked
    spans: tuple = ()  # CodeSpan that look like paths or file names
    prose: tuple = ()  # CodeSpan-shaped paths and file names written in plain text, outside code
    mentions: frozenset = frozenset()  # skill-relative paths named anywhere in the text
    names: frozenset = frozenset()  # bare file names (`forms.md`) named anywhere in the text
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
    bad_links: list = field(default_factory=list)  # (rel, reason): symbolic links not followed
    special_files: list = field(default_factory=list)  # (rel, reason): pipes, sockets, devices


def mentions_in(doc) -> frozenset:
    """Paths a text names, resolved against the skill root and against the file's folder.
    A Python file also names the modules it imports and the paths in its string literals."""
    if doc.kind == OTHER:
        return frozenset()
    here = posixpath.dirname(doc.rel)
    slashed = "\n".join(ROOT_VAR.sub("", line) for line in doc.lines if "/" in line)  # a path token holds a '/'
    tokens = [m.group(1).rstrip("/.") for m in _PATH_TOKEN.finditer(slashed)]
    tokens += [m.group(1).replace(".", "/") + ".py" for m in _MODULE_RUN.finditer(doc.text)]
    if doc.kind == PYTHON:
        tokens += _python_names(doc.text, here)
    if doc.kind in (PYTHON, SHELL):  # scripts name their siblings: "$SCRIPT_DIR/data.tar.gz"
        tokens += [posixpath.join(here, m.group(0)) for m in _FILE_NAME.finditer(doc.text)]
    out = set()
    for token in tokens:
        if not token:
            continue
        for base in ("", here):
            path = posixpath.normpath(posixpath.join(base, token))
            if not path.startswith(".."):
                out.add(path)
    return frozenset(out)


def names_in(doc) -> frozenset:
    """Bare file names a text mentions (`see forms.md`, `icon: mark.svg`)."""
    if doc.kind == OTHER:
        return frozenset()
    return frozenset(m.group(0) for m in _FILE_NAME.finditer(doc.text) if len(m.group(0)) < 120)


def prose_paths(doc) -> tuple:
    """Paths and file names written in the text of a Markdown file, outside fences, inline
    code, link targets and URLs: `see references/forms.md` or `read FORMS.md`."""
    in_fence = set()
    for fence in doc.fences:
        in_fence.update(range(fence.line, fence.end + 1))
    out = []
    for number, line in enumerate(doc.lines, 1):
        if number in in_fence or "." not in line:
            continue
        text = _PROSE_NOISE.sub(lambda m: " " * len(m.group(0)), line)
        for m in _FILE_NAME.finditer(text):
            start = m.start()
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-./"):
                start -= 1
            token = text[start:m.end()]
            if token.startswith((".", "/")) and not token.startswith(("./", "../")):
                continue
            out.append(CodeSpan(token, number, start + 1))
    return tuple(out)


def _python_names(text: str, here: str) -> list:
    """Sibling modules a script imports (`from validators import base` -> validators/base.py)
    and short string literals (`Path(__file__).parent / "schemas"`)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if isinstance(node, ast.ImportFrom):
                modules += [f"{node.module}.{a.name}" if node.module else a.name for a in node.names]
            up = "../" * max(0, getattr(node, "level", 0) - 1)
            for module in modules:
                parts = [p for p in module.split(".") if p]
                for i in range(1, len(parts) + 1):
                    stem = up + "/".join(parts[:i])
                    out += [stem + ".py", stem + "/__init__.py", stem]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and 0 < len(node.value) < 200 and "\n" not in node.value:
            out.append(node.value.strip("/"))
    return out


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
    facts = FileFacts(doc.rel, doc.kind, mentions=mentions_in(doc), names=names_in(doc))
    if doc.kind == MARKDOWN and not doc.binary:
        from .analysis import PYTHON_LANGS

        python = [f for f in doc.fences if f.lang in PYTHON_LANGS]
        facts.anchors = doc.anchors
        facts.links = tuple(doc.links)
        facts.targets = tuple(resolve_link(doc.rel, link.target) for link in doc.links)
        facts.spans = tuple(s for s in doc.code_spans if "/" in s.content or _FILE_NAME.fullmatch(s.content.strip()))
        facts.prose = prose_paths(doc)
        facts.ranges = suppression_ranges(doc)
        facts.fences = len(doc.fences)
        facts.python_blocks = len(python)
        facts.fragments = sum(1 for f in python if "fragment" in f.options)
    return facts
