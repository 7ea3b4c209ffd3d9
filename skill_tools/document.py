"""Parse a file once: text and encoding, frontmatter, Markdown tokens, headings, anchors,
links, inline code, fences and suppression comments. Rules read this; they never re-parse.
"""

from __future__ import annotations

import re
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
        self.truncated_at = 0  # first line markdown-it did not parse (nesting limit)
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
    def tokens(self) -> list:
        if self.kind != MARKDOWN:
            return []
        text = self.text
        fm = self.frontmatter
        if fm.closed:  # blank the frontmatter so token lines stay file lines
            text = "\n" * fm.end + "\n".join(self.lines[fm.end :])
        md = _markdown()
        env: dict = {}
        tokens = md.parse(text, env)
        # At its nesting limit markdown-it stops parsing and silently drops the rest of the
        # file (every enclosing block claims it): say where that happened.
        deepest = max(tokens, key=lambda t: t.level, default=None)
        if deepest is not None and deepest.level >= MAX_NESTING - 2:
            self.truncated_at = (deepest.map[0] + 1) if deepest.map else 1
        # Inline parsing is most of the cost; only headings and text that can hold a link,
        # an image, inline code or HTML need it.
        for i, tok in enumerate(tokens):
            if tok.type == "inline" and (
                tokens[i - 1].type == "heading_open" or any(c in tok.content for c in "[`<")
            ):
                tok.children = []
                md.inline.parse(tok.content, md, env, tok.children)
        return tokens

    @cached_property
    def _walk(self):
        headings, links, spans, fences, directives, anchors = [], [], [], [], [], []
        slugger = Slugger()
        current_heading = ""
        tokens = self.tokens
        for i, tok in enumerate(tokens):
            if tok.type == "heading_open":
                inline = tokens[i + 1]
                text = _plain_text(inline.children or [])
                line = tok.map[0] + 1
                slug = slugger.slug(text)
                headings.append(Heading(int(tok.tag[1]), text, line, slug))
                current_heading = text
            elif tok.type == "fence":
                info = tok.info.strip()
                parts = info.split(None, 1)
                lang = parts[0].lower() if parts else ""
                lang = lang.strip("{}.")
                options = tuple(parts[1].split()) if len(parts) > 1 else ()
                start, end = tok.map
                fences.append(Fence(lang, options, tok.content, start + 1, end, current_heading))
            elif tok.type == "html_block":
                self._html(tok.content, tok.map[0] + 1, directives, anchors)
            if tok.type == "inline" and tok.children:
                self._inline(tok, links, spans, directives, anchors)
        return headings, links, spans, fences, directives, anchors

    def _inline(self, tok, links, spans, directives, anchors):
        line = tok.map[0] + 1 if tok.map else 1
        for child in tok.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type in ("link_open", "image"):
                attr = "src" if child.type == "image" else "href"
                target = child.attrs.get(attr, "")
                if child.markup == "autolink":
                    continue
                links.append(Link(str(target), line, self._column(line, str(target)), child.type == "image"))
            elif child.type == "code_inline":
                spans.append(CodeSpan(child.content, line, self._column(line, child.content)))
            elif child.type == "html_inline":
                self._html(child.content, line, directives, anchors)
            elif child.type == "text" and "\n" in child.content:
                line += child.content.count("\n")

    def _html(self, html: str, line: int, directives, anchors):
        for m in _DIRECTIVE.finditer(html):
            at = line + html.count("\n", 0, m.start())
            directives.append(parse_directive(m.group(1), m.group(2), at))
        for m in _HTML_ANCHOR.finditer(html):
            anchors.append(m.group(1))

    def _column(self, line: int, needle: str) -> int:
        if 1 <= line <= len(self.lines) and needle:
            idx = self.lines[line - 1].find(needle)
            if idx >= 0:
                return idx + 1
        return 1

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


_MD = None
MAX_NESTING = 100  # block levels; deeper content is reported (IO005), not parsed


def _markdown():
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt

        _MD = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table")
        _MD.validateLink = lambda url: True  # report file: and javascript: links, don't drop them
        _MD.core.ruler.disable(["inline", "text_join"])
    return _MD


def _plain_text(children) -> str:
    """The text GitHub slugs: text and inline code, without markup or HTML."""
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.children and child.type != "image":  # GitHub's textContent skips alt text
            parts.append(_plain_text(child.children))
    return "".join(parts)
