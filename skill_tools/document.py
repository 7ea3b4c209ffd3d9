"""Parse a file once: text and encoding, frontmatter, Markdown events (pyromark), headings, anchors,
links, inline code, fences and suppression comments. Rules read this; they never re-parse.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath

from . import yamlsafe
from .slug import Slugger

BOM = "\ufeff"

MARKDOWN = "markdown"
TEMPLATE = "template"
PYTHON = "python"
YAML = "yaml"
JSON = "json"
TOML = "toml"
SHELL = "shell"
OTHER = "other"

_KIND_BY_SUFFIX = {
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".j2": TEMPLATE,
    ".jinja": TEMPLATE,
    ".jinja2": TEMPLATE,
    ".py": PYTHON,
    ".yaml": YAML,
    ".yml": YAML,
    ".json": JSON,
    ".toml": TOML,
    ".sh": SHELL,
    ".bash": SHELL,
}


def kind_of(rel: str) -> str:
    suffix = PurePosixPath(rel).suffix.lower()
    kind = _KIND_BY_SUFFIX.get(suffix, OTHER)
    if kind == TEMPLATE and not rel.startswith("templates/"):
        return OTHER
    return kind


@dataclass
class Frontmatter:
    present: bool = False
    closed: bool = False
    start: int = 1  # file line of the opening ---
    end: int = 0  # file line of the closing ---
    text: str = ""
    data: object = None
    error: yamlsafe.YamlError | None = None
    key_lines: dict = field(default_factory=dict)  # key -> file line
    key_nodes: dict = field(default_factory=dict)
    duplicates: list = field(default_factory=list)  # (key, file line)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.start)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int
    slug: str


@dataclass(frozen=True)
class Link:
    target: str
    line: int
    column: int
    image: bool = False


@dataclass(frozen=True)
class CodeSpan:
    content: str
    line: int
    column: int


@dataclass(frozen=True)
class Fence:
    lang: str
    options: tuple
    content: str
    line: int  # file line of the opening fence
    end: int  # file line of the closing fence (or last line)
    heading: str  # text of the nearest heading above
    label: str = ""  # the line of text just above the fence ("**Before (Airflow 2.x):**")

    @property
    def first_line(self) -> int:
        return self.line + 1


@dataclass(frozen=True)
class Directive:
    action: str  # disable-next-line, disable, enable, disable-file
    codes: tuple
    line: int
    reason: str


_DIRECTIVE = re.compile(
    r"<!--\s*skill-lint-(disable-next-line|disable-file|disable|enable)\b(.*?)-->", re.S
)
_CODE_TOKEN = re.compile(r"^[A-Z]{2,3}[0-9]{0,3}$")
_QUOTE_MARKERS = re.compile(r"\n[ \t]*(?:>[ \t]?)+")  # `> > ` opening a continuation line
_HTML_ANCHOR = re.compile(r"<[a-zA-Z][^>]*?\s(?:id|name)\s*=\s*[\"']?([^\"'\s>]+)")


def parse_directive(action: str, rest: str, line: int) -> Directive:
    codes, reason = [], ""
    words = rest.replace(",", " ").split()
    for i, word in enumerate(words):
        if _CODE_TOKEN.match(word):
            codes.append(word)
            continue
        reason = " ".join(w for w in words[i:] if w not in ("--", ":")).strip()
        break
    return Directive(action, tuple(codes), line, reason)


class Document:
    """One file of a skill. `rel` is its path inside the skill, POSIX separators."""

    def __init__(self, rel: str, data: bytes, skill_name: str = ""):
        self.rel = rel
        self.kind = kind_of(rel)
        self.skill_dir_name = skill_name
        self.size = len(data)
        self.decode_error: tuple | None = None  # (line, column, message)
        self.binary = b"\x00" in data[:8192]
        self.has_bom = data.startswith(b"\xef\xbb\xbf")
        if self.has_bom:
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = data[: exc.start]
            line = before.count(b"\n") + 1
            col = exc.start - (before.rfind(b"\n") + 1) + 1
            self.decode_error = (line, col, f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
            text = data.decode("utf-8", errors="replace")
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.lines = self.text.split("\n")

    @property
    def is_skill_md(self) -> bool:
        return self.rel == "SKILL.md"

    @property
    def line_count(self) -> int:
        n = len(self.lines)
        return n - 1 if n and self.lines[-1] == "" else n

    # ---- frontmatter -----------------------------------------------------------------

    @cached_property
    def frontmatter(self) -> Frontmatter:
        fm = Frontmatter()
        if self.kind != MARKDOWN or not self.lines or self.lines[0].rstrip() != "---":
            return fm
        fm.present = True
        for i in range(1, len(self.lines)):
            if self.lines[i].rstrip() in ("---", "..."):
                fm.closed = True
                fm.end = i + 1
                break
        if not fm.closed:
            return fm
        fm.text = "\n".join(self.lines[1 : fm.end - 1]) + "\n"
        try:
            loaded = yamlsafe.load(fm.text)
        except yamlsafe.YamlError as exc:
            exc.line += 2  # file line: the YAML starts on line 2
            fm.error = exc
            return fm
        fm.data = loaded.value
        fm.key_lines = {k: v + 2 for k, v in loaded.key_lines.items()}
        fm.key_nodes = loaded.key_nodes
        fm.duplicates = [(k, line + 2) for k, line in loaded.duplicates]
        return fm

    @property
    def body_start(self) -> int:
        """File line where the Markdown body starts."""
        fm = self.frontmatter
        return fm.end + 1 if fm.closed else 1

    # ---- Markdown --------------------------------------------------------------------

    @cached_property
    def _walk(self):
        """One pass over pyromark's (pulldown-cmark's) event stream: CommonMark plus GFM
        tables, no nesting limit, byte ranges for every event."""
        headings, links, spans, fences, directives, anchors = [], [], [], [], [], []
        if self.kind != MARKDOWN:
            return headings, links, spans, fences, directives, anchors
        import pyromark

        text = self.text
        fm = self.frontmatter
        if fm.closed:  # blank the frontmatter so event lines stay file lines
            text = "\n" * fm.end + "\n".join(self.lines[fm.end :])
        data = text.encode()
        starts = [0]  # byte offset where each line starts
        find = data.find
        at = find(b"\n")
        while at >= 0:
            starts.append(at + 1)
            at = find(b"\n", at + 1)

        def line_of(offset: int) -> int:
            return bisect_right(starts, offset)

        last: dict = {}  # line -> (byte offset, character offset) of the previous event

        def column_of(offset: int, line: int, needle: str) -> int:
            """Column of `needle` on `line`, searched from the event's start, not the line's:
            10,000 links on one line stay linear."""
            if not 1 <= line <= len(self.lines) or not needle:
                return 1
            byte, char = last.get(line, (starts[line - 1], 0))
            if offset < byte:
                byte, char = starts[line - 1], 0
            char += len(data[byte:offset].decode("utf-8", "replace"))
            last[line] = (offset, char)
            idx = self.lines[line - 1].find(needle, char)
            return idx + 1 if idx >= 0 else 1

        slugger = Slugger()
        current_heading = ""
        heading = None  # [level, line, text parts] while inside a heading
        fence = None  # [info, line, content parts] while inside a fenced block
        images = 0  # depth inside image alt text, which GitHub leaves out of slugs
        quotes = 0  # blockquote depth: inline HTML keeps the `> ` of its continuation lines
        html = None  # [line, lines] while inside an HTML block (its lines come without `> `)
        for event, span in pyromark.events_with_range(text, options=pyromark.Options.ENABLE_TABLES, merge_text=True):
            if isinstance(event, str):  # SoftBreak, HardBreak, Rule
                if heading is not None and event in ("SoftBreak", "HardBreak"):
                    heading[2].append(" ")
                continue
            ((kind, value),) = event.items()
            if kind == "Html":
                if html is not None:
                    html[1].append(value)
            elif kind == "Text":
                if fence is not None:
                    fence[2].append(value)
                elif heading is not None and not images:
                    heading[2].append(value)
            elif kind == "Start":
                if isinstance(value, str):
                    if value == "HtmlBlock":
                        html = [line_of(span["start"]), []]
                    continue
                ((what, detail),) = value.items()
                if what == "BlockQuote":
                    quotes += 1
                elif what in ("Link", "Image"):
                    if what == "Image":
                        images += 1
                    if detail["link_type"] not in ("Autolink", "Email"):
                        line = line_of(span["start"])
                        target = detail["dest_url"]
                        links.append(Link(target, line, column_of(span["start"], line, target), what == "Image"))
                elif what == "Heading":
                    heading = [int(detail["level"][1]), line_of(span["start"]), []]
                elif what == "CodeBlock" and isinstance(detail, dict):
                    fence = [detail["Fenced"], line_of(span["start"]), []]
            elif kind == "End":
                what = value if isinstance(value, str) else next(iter(value))
                if what == "Image":
                    images -= 1
                elif what == "BlockQuote":
                    quotes -= 1
                elif what == "HtmlBlock" and html is not None:
                    self._html("".join(html[1]), html[0], directives, anchors)
                    html = None
                elif what == "Heading" and heading is not None:
                    level, line, parts = heading
                    title = "".join(parts)
                    headings.append(Heading(level, title, line, slugger.slug(title)))
                    current_heading, heading = title, None
                elif what == "CodeBlock" and fence is not None:
                    info, line, parts = fence
                    words = info.strip().split(None, 1)
                    lang = words[0].lower().strip("{}.") if words else ""
                    options = tuple(words[1].split()) if len(words) > 1 else ()
                    end = line_of(max(span["end"] - 1, span["start"]))
                    fences.append(Fence(lang, options, "".join(parts), line, end, current_heading, self._label_above(line)))
                    fence = None
            elif kind == "Code":
                line = line_of(span["start"])
                spans.append(CodeSpan(value, line, column_of(span["start"], line, value)))
                if heading is not None and not images:
                    heading[2].append(value)
            elif kind == "InlineHtml":
                if quotes and "\n" in value:
                    value = _QUOTE_MARKERS.sub("\n", value)
                self._html(value, line_of(span["start"]), directives, anchors)
        return headings, links, spans, fences, directives, anchors

    def _html(self, html: str, line: int, directives, anchors):
        for m in _DIRECTIVE.finditer(html):
            at = line + html.count("\n", 0, m.start())
            directives.append(parse_directive(m.group(1), m.group(2), at))
        for m in _HTML_ANCHOR.finditer(html):
            anchors.append(m.group(1))

    def _label_above(self, line: int) -> str:
        """The nearest non-blank line above file line `line`, within three lines, unless it
        closes another fence or is a heading (the heading is known separately)."""
        for n in range(line - 2, max(line - 5, -1), -1):
            if n >= len(self.lines):
                continue
            text = self.lines[n].strip()
            if text:
                return "" if text.startswith(("```", "~~~", "#")) else text[:200]
        return ""

    @property
    def headings(self) -> list:
        return self._walk[0]

    @property
    def links(self) -> list:
        return self._walk[1]

    @property
    def code_spans(self) -> list:
        return self._walk[2]

    @property
    def fences(self) -> list:
        return self._walk[3]

    @property
    def directives(self) -> list:
        return self._walk[4]

    @cached_property
    def anchors(self) -> frozenset:
        return frozenset([h.slug for h in self.headings] + list(self._walk[5]))

    @property
    def body_lines(self) -> int:
        return max(0, self.line_count - self.body_start + 1)
