"""Links (LK): every link and path in the skill resolves, inside the skill, to something that
exists. Links are resolved in two phases: every file's anchors are collected first, then every
link is checked, so cross-file anchors work. External URLs are never fetched.
"""

from __future__ import annotations

import posixpath
import re

from ..crossrefs import ROOT_VAR, SKILL_DIRS
from ..model import Hit
from . import SKILL, Rule, register


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


# Files a skill's scripts need to build and test themselves, never read by Claude.
_PROJECT_FILES = frozenset({
    "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "requirements-dev.txt", "uv.lock",
    "poetry.lock", "pipfile", "pipfile.lock", "tox.ini", "pytest.ini", "mypy.ini", "ruff.toml", "ty.toml",
    ".python-version", "package.json", "package-lock.json", "pnpm-lock.yaml", "yarn.lock", "tsconfig.json",
    "cargo.toml", "cargo.lock", "go.mod", "go.sum", "conftest.py", "__init__.py",
})
_TEST_FILE = re.compile(r"^(?:test_.*\.py|.*_test\.(?:py|go)|.*\.(?:test|spec)\.[jt]sx?)$")


def _support_file(rel: str) -> bool:
    """A test, build or lock file of a skill's scripts: it serves the scripts, not Claude."""
    parts = rel.lower().split("/")
    return parts[-1] in _PROJECT_FILES or bool(_TEST_FILE.match(parts[-1])) or "tests" in parts[:-1]


def _named(skill) -> dict:
    """Lower-case bare file name -> the files that write it (`see forms.md`, `icon: mark.svg`)."""
    out: dict = {}
    for rel, facts in skill.files.items():
        for name in facts.names:
            out.setdefault(name.lower(), set()).add(rel)
    return out


@register
class FileUnreachable(LinkRule):
    """A file under references/, templates/, scripts/ or assets/ that nothing links to or names.

    Claude only finds files that SKILL.md (or a reference) points to; an orphan is dead
    weight in every install, or a link someone forgot to write. A file counts as reached when
    any file of the skill links to it, names its path or its folder (`templates/dagster/`),
    names it without the extension (`python scripts/fill_form`), or names it bare
    (`see forms.md`, an `agents/openai.yaml` listing `assets/icon.svg`); a script importing a
    module or running it with `python -m` reaches it too. Tests, build and lock files of the
    scripts (`scripts/tests/`, `pyproject.toml`, `uv.lock`) and package markers are exempt.
    """

    code, name = "LK010", "file-unreachable"
    bad = "references/old-notes.md, linked from nowhere"
    good = "SKILL.md: 'See [old notes](references/old-notes.md) for ...'"

    def check(self, skill, ctx):
        referrers = _referrers(skill)
        named = _named(skill)
        for rel in sorted(skill.files):
            if rel.split("/", 1)[0] not in SKILL_DIRS or _support_file(rel):
                continue
            if _reached_by(rel, referrers, exclude=rel) or referrers.get(posixpath.splitext(rel)[0], set()) - {rel}:
                continue
            if named.get(posixpath.basename(rel).lower(), set()) - {rel}:
                continue
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


_NOT_A_PATH = re.compile(r"[\s*?<>{}$\[\]|=,;:'\"()]|^[~/]|^-|\.\.\.|…")
_PLACEHOLDER = re.compile(
    r"(?i)(?:^|/)(?:foo|bar|baz|qux|xxx+|x|y|example|examples|sample|my[-_][\w.-]*|your[-_][\w.-]*"
    r"|some[-_][\w.-]*|new[-_][\w.-]*|name|filename|file|path/to)(?:\.\w+)?(?:/|$)"
)


def _path_problem(skill, here: str, text: str):
    """(code, message) when a written path or file name misses the skill, else None. A path
    is reported only when its folder exists in the skill (so `src/app.py` of the user's
    project is left alone) and no file of that name with another extension sits there
    (`axis.config.json` or `axis.config.ts`); a name that differs from a real file only in
    case is reported wherever it is written."""
    text = ROOT_VAR.sub("", text.strip())
    folder, text = text.endswith("/"), text.rstrip("/")
    if not text or _NOT_A_PATH.search(text) or "//" in text:
        return None
    candidates = [posixpath.normpath(text), posixpath.normpath(posixpath.join(here, text))]
    candidates = [c for c in candidates if not c.startswith("..") and c != "."]
    if not candidates:
        return None
    if "/" not in text:  # a bare name: is there a file of that name in another case, and none in this case?
        if any(posixpath.basename(p) == text for p in skill.paths):
            return None
        cased = sorted(p for p in skill.paths if posixpath.basename(p).lower() == text.lower())
        if cased:
            return "LK013", f"'{text}' is spelt '{posixpath.basename(cased[0])}' on disk ({cased[0]}); names are case-sensitive once installed"
        return None
    if any(c in skill.paths for c in candidates):
        return None
    lower = _lower_paths(skill)
    for c in candidates:
        if c.lower() in lower:
            return "LK013", f"'{text}' is spelt '{lower[c.lower()]}' on disk; names are case-sensitive once installed"
    written = text[2:] if text.startswith("./") else text
    if folder or _PLACEHOLDER.search(text) or not posixpath.dirname(written):
        return None  # a folder (`references/evidence/` in a layout), a placeholder, or a name with no folder
    for c in candidates:
        parent = posixpath.dirname(c)
        if parent and parent in skill.paths and parent not in skill.files and not _same_stem(skill, c):
            return "LK012", f"'{text}' does not exist in the skill ({parent}/ has no such file)"
    return None


def _same_stem(skill, path: str) -> bool:
    """Another file of the folder differs only in extension (`x.json` when `x.ts` is written)
    or adds one (`scripts/fill_form` for `scripts/fill_form.py`)."""
    stem = posixpath.splitext(path)[0]
    return any(posixpath.splitext(p)[0] == stem or p.startswith(path + ".") for p in skill.paths
               if posixpath.dirname(p) == posixpath.dirname(path))


def _lower_paths(skill) -> dict:
    cached = skill.__dict__.get("_lower_paths")
    if cached is None:
        cached = skill.__dict__["_lower_paths"] = {p.lower(): p for p in skill.paths}
    return cached


def _path_problems(skill) -> list:
    """(code, rel, Hit) for every path written in inline code (any file) or in SKILL.md's
    prose that misses the skill; each text once per file."""
    cached = skill.__dict__.get("_path_problems")
    if cached is None:
        cached = []
        for rel, facts in sorted(skill.files.items()):
            here = posixpath.dirname(rel)
            written = list(facts.spans) + (list(facts.prose) if rel == "SKILL.md" else [])
            seen = set()
            for span in sorted(written, key=lambda s: (s.line, s.column)):
                text = span.content.strip()
                if text in seen:
                    continue
                problem = _path_problem(skill, here, text)
                if problem:
                    seen.add(text)
                    cached.append((problem[0], rel, Hit(span.line, span.column, problem[1])))
        skill.__dict__["_path_problems"] = cached
    return cached


@register
class PathMentionMissing(LinkRule):
    """A path that a file tells Claude to open (`references/x.md` in inline code, or in the
    prose of SKILL.md) names a file that does not exist in a folder of the skill.

    Prose that sends Claude to a file that is not there wastes a turn and misleads. Paths
    whose folder is not part of the skill (the user's `src/app.py`), folders written as a
    layout (`references/evidence/`) and placeholders (`path/to/file.md`, `my_app/x.py`) are
    not mentions of skill files.
    """

    code, name = "LK012", "path-mention-missing"
    bad = "Render `templates/dagster/asset.py.j2`   (the file is asset_with_metadata.py.j2)"
    good = "Render `templates/dagster/asset_with_metadata.py.j2`"

    def check(self, skill, ctx):
        for code, rel, hit in _path_problems(skill):
            if code == self.code:
                yield rel, hit


@register
class PathCaseMismatch(LinkRule):
    """A path or file name written in inline code, or in SKILL.md's prose, differs from a
    real file of the skill only in case (`FORMS.md` for `forms.md`).

    macOS finds the file anyway, so the author never notices; Claude runs on Linux, where
    the name misses. Each name is reported once per file.
    """

    code, name = "LK013", "path-case-mismatch"
    bad = "SKILL.md: 'read FORMS.md'   (the file is forms.md)"
    good = "SKILL.md: 'read forms.md'"

    def check(self, skill, ctx):
        for code, rel, hit in _path_problems(skill):
            if code == self.code:
                yield rel, hit
