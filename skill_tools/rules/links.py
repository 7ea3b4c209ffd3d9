"""Links (LK): every link and path in the skill resolves, inside the skill, to something that
exists. Links are resolved in two phases: every file's anchors are collected first, then every
link is checked, so cross-file anchors work. External URLs are never fetched.
"""

from __future__ import annotations

import posixpath
import re

from ..crossrefs import SKILL_DIRS
from ..model import Hit
from . import SKILL, Rule, register

_SPAN_PATH = re.compile(r"^(?:\.\.?/)*(?:references|templates|scripts|assets)/[\w./-]*$")


def _links(skill):
    """Every link of the skill with its resolved target, resolved once and shared by the rules."""
    cached = skill.__dict__.get("_targets")
    if cached is None:
        cached = [(rel, link, target)
                  for rel, facts in sorted(skill.files.items()) for link, target in zip(facts.links, facts.targets)]
        skill.__dict__["_targets"] = cached
    return cached


def _local(skill):
    for rel, link, target in _links(skill):
        if not (target.external or target.absolute or target.escapes):
            yield rel, link, target


class LinkRule(Rule):
    scope = SKILL


@register
class LinkTargetMissing(LinkRule):
    """A relative link points to a file or folder that does not exist.

    Claude follows links in SKILL.md to load references; a broken link is a dead end.
    """

    code, name = "LK001", "link-target-missing"
    bad = "[patterns](references/patern.md)"
    good = "[patterns](references/patterns.md)"

    def check(self, skill, ctx):
        for rel, link, target in _local(skill):
            if target.path not in skill.paths and not target.hidden:
                yield rel, Hit(link.line, link.column, f"link target '{link.target}' does not exist")


@register
class AnchorMissing(LinkRule):
    """A `#fragment` names no heading or `id`/`name` anchor of the target file.

    Anchors follow GitHub's rules: lowercase, punctuation dropped, each space turned into `-`
    (not collapsed), inline code text kept, duplicates numbered `-1`, `-2`.
    """

    code, name = "LK002", "anchor-missing"
    bad = "[setup](#set-up)   with the heading '## Setup & install'"
    good = "[setup](#setup--install)"

    def check(self, skill, ctx):
        for rel, link, target in _local(skill):
            if not target.fragment:
                continue
            facts = skill.files.get(target.path)
            if facts is None or facts.kind != "markdown":
                continue
            if target.fragment not in facts.anchors and target.fragment.lower() not in facts.anchors:
                where = "this file" if target.path == rel else target.path
                yield rel, Hit(link.line, link.column, f"anchor '#{target.fragment}' does not exist in {where}")


@register
class LinkOutsideSkill(LinkRule):
    """A link leaves the skill folder, or points to a hidden file or to a folder outside the
    skill's standard folders.

    A skill is installed as its folder: SKILL.md, references/, templates/, scripts/, assets/
    and the other files its documents link to. A link out of the folder (`../shared/x.md`),
    to a hidden file (`.env`) or to a folder such as `tests/` is missing once installed.
    """

    code, name = "LK003", "link-outside-skill"
    bad = "[notes](../../shared/notes.md)"
    good = "[notes](references/notes.md)"

    def check(self, skill, ctx):
        for rel, link, target in _links(skill):
            if target.external or target.absolute:
                continue
            if target.escapes:
                yield rel, Hit(link.line, link.column, f"link '{link.target}' leaves the skill folder")
            elif target.hidden:
                yield rel, Hit(link.line, link.column, f"link '{link.target}' points to a hidden file, never installed")
            elif not target.installed and target.path in skill.paths and target.path not in skill.files:
                yield rel, Hit(link.line, link.column,
                               f"link '{link.target}' points to a folder outside references/, templates/, scripts/, assets/")


@register
class LinkAbsolutePath(LinkRule):
    """A link uses an absolute path (`/x`, `C:\\x`, `file:`), which breaks once installed elsewhere."""

    code, name = "LK004", "link-absolute-path"
    bad = "[guide](/home/me/skill/references/guide.md)"
    good = "[guide](references/guide.md)"

    def check(self, skill, ctx):
        for rel, link, target in _links(skill):
            if target.absolute:
                yield rel, Hit(link.line, link.column, f"absolute link '{link.target}'; use a path relative to this file")


@register
class LinkBackslash(LinkRule):
    """A link uses backslashes, which only Windows understands; use forward slashes."""

    code, name = "LK005", "link-backslash"
    bad = "[guide](references\\guide.md)"
    good = "[guide](references/guide.md)"

    def check(self, skill, ctx):
        for rel, link, target in _links(skill):
            if target.backslash and not target.external:
                yield rel, Hit(link.line, link.column, f"link '{link.target}' uses backslashes; use '/'")


def _referrers(skill) -> dict:
    """Skill-relative path -> the files that link to it or name it."""
    out: dict = {}
    for rel, facts in skill.files.items():
        for path in facts.mentions:
            out.setdefault(path, set()).add(rel)
    for rel, _, target in _links(skill):
        out.setdefault(target.path, set()).add(rel)
    return out


def _reached_by(path: str, referrers: dict, exclude: str = "") -> set:
    """Files that reach `path` directly or by naming one of its folders."""
    parts = path.split("/")
    found = set()
    for i in range(2, len(parts) + 1):
        found |= referrers.get("/".join(parts[:i]), set())
    found.discard(exclude)
    return found


@register
class FileUnreachable(LinkRule):
    """A file under references/, templates/, scripts/ or assets/ that nothing links to or names.

    Claude only finds files that SKILL.md (or a reference) points to; an orphan is dead
    weight in every install, or a link someone forgot to write. Naming a file's folder
    (`templates/dagster/`) counts, and so does a script importing a module, running it with
    `python -m`, or naming a sibling file. Package markers (`__init__.py`) are exempt.
    """

    code, name = "LK010", "file-unreachable"
    bad = "references/old-notes.md, linked from nowhere"
    good = "SKILL.md: 'See [old notes](references/old-notes.md) for ...'"

    def check(self, skill, ctx):
        referrers = _referrers(skill)
        for rel in sorted(skill.files):
            if rel.endswith("/__init__.py"):
                continue
            if rel.split("/", 1)[0] in SKILL_DIRS and not _reached_by(rel, referrers, exclude=rel):
                yield rel, Hit(1, 1, f"'{rel}' is not linked or named from any file of the skill")


@register
class ReferenceTooDeep(LinkRule):
    """A file in references/ is reached only through another reference, not from SKILL.md.

    Claude may read only part of a file it reaches by a second hop; keep references one level
    deep, each linked directly from SKILL.md.
    """

    code, name = "LK011", "reference-too-deep"
    bad = "SKILL.md -> references/a.md -> references/b.md"
    good = "SKILL.md -> references/a.md and SKILL.md -> references/b.md"

    def check(self, skill, ctx):
        if "SKILL.md" not in skill.files:
            return
        referrers = _referrers(skill)
        for rel in sorted(skill.files):
            if not (rel.startswith("references/") and rel.endswith(".md")):
                continue
            sources = referrers.get(rel, set()) - {rel}
            if sources and "SKILL.md" not in sources:
                yield rel, Hit(1, 1, f"'{rel}' is not linked from SKILL.md, only from other references")


@register
class PathMentionMissing(LinkRule):
    """A path in inline code (`references/x.md`, `templates/y.py.j2`) names a file that does not exist.

    Prose that tells Claude to open a file that is not there wastes a turn and misleads.
    """

    code, name = "LK012", "path-mention-missing"
    bad = "Render `templates/dagster/asset.py.j2`   (the file is asset_with_metadata.py.j2)"
    good = "Render `templates/dagster/asset_with_metadata.py.j2`"

    def check(self, skill, ctx):
        for rel, facts in sorted(skill.files.items()):
            here = posixpath.dirname(rel)
            for span in facts.spans:
                text = span.content.strip()
                if not _SPAN_PATH.match(text):
                    continue
                text = text.rstrip("/")
                candidates = {posixpath.normpath(text), posixpath.normpath(posixpath.join(here, text))}
                if not candidates & skill.paths:
                    yield rel, Hit(span.line, span.column, f"'{span.content}' does not exist in the skill")
