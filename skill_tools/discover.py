"""Find skills and their files. A skill is a folder with SKILL.md; its files are SKILL.md and
everything under references/, templates/, scripts/ and assets/. Symbolic links are never
followed out of the skill.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .crossrefs import SKILL_DIRS

SKIP_DIRS = {"node_modules", "__pycache__", "build", "dist", "site-packages", "venv", "env", "target"}


@dataclass
class SkillSource:
    root: Path
    files: list = field(default_factory=list)  # (rel, absolute path)
    paths: frozenset = frozenset()
    bad_links: list = field(default_factory=list)  # (rel, reason)
    special_files: list = field(default_factory=list)  # (rel, reason): pipes, sockets, devices

    @property
    def name(self) -> str:
        return self.root.resolve().name

    @cached_property
    def folder_name(self) -> str:
        """The folder name `name` must match, or "" when the skill is the root of a git
        checkout: there whoever clones picks the folder's name, and the packager names the
        installed folder after `name`."""
        return "" if (self.root / ".git").exists() else self.name


def _skip_dir(entry: os.DirEntry) -> bool:
    name = entry.name
    return (
        name.startswith(".")
        or name in SKIP_DIRS
        or os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))
    )


class _Ignore:
    """.gitignore files met on the way down, plus the config's exclude globs."""

    def __init__(self, base: Path, exclude):
        import pathspec

        self.base = Path(os.path.abspath(base))
        self.specs = []
        if exclude:
            self.specs.append((self.base, pathspec.GitIgnoreSpec.from_lines(exclude)))

    def add_gitignore(self, folder: Path):
        gi = folder / ".gitignore"
        if gi.is_file():
            import pathspec

            try:
                lines = gi.read_text("utf-8", errors="replace").splitlines()
            except OSError:
                return
            self.specs.append((Path(os.path.abspath(folder)), pathspec.GitIgnoreSpec.from_lines(lines)))

    def ignored(self, path: Path, is_dir: bool) -> bool:
        path = Path(os.path.abspath(path))
        for folder, spec in self.specs:
            try:
                rel = path.relative_to(folder).as_posix()
            except ValueError:
                continue
            if spec.match_file(rel + ("/" if is_dir else "")):
                return True
        return False


def find_skills(start: Path, exclude=(), base: Path | None = None) -> list:
    """Skill folders at or below `start`, not descending into a skill once found."""
    start = Path(start)
    if (start / "SKILL.md").is_file():
        return [start]
    ignore = _Ignore(base or start, exclude)
    found = []
    stack = [start]
    while stack:
        folder = stack.pop()
        ignore.add_gitignore(folder)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            if not entry.is_dir(follow_symlinks=False) or _skip_dir(entry):
                continue
            path = Path(entry.path)
            if ignore.ignored(path, True):
                continue
            if (path / "SKILL.md").is_file():
                found.append(path)
            else:
                subdirs.append(path)
        stack.extend(reversed(subdirs))
    return sorted(found)


def skill_files(root: Path) -> SkillSource:
    """SKILL.md and every file under the skill's folders, with the folders they sit in."""
    root = Path(root)
    real_root = root.resolve()
    source = SkillSource(root)
    paths = set()

    def add(rel: str, path: Path):
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                source.bad_links.append((rel, "symbolic link is broken or loops"))
                return
            if real_root != target and real_root not in target.parents:
                source.bad_links.append((rel, f"symbolic link points outside the skill ({os.readlink(path)})"))
                return
        if not path.is_file() and not path.is_dir():
            source.special_files.append((rel, "not a regular file (named pipe, socket or device); not read"))
            return
        source.files.append((rel, path))
        paths.add(rel)

    if (root / "SKILL.md").exists() or (root / "SKILL.md").is_symlink():
        add("SKILL.md", root / "SKILL.md")
    agents = root / "agents"  # per-agent metadata (`agents/openai.yaml`: display name, icons)
    if agents.is_dir() and not agents.is_symlink():
        for entry in sorted(agents.iterdir()):
            if entry.suffix in (".yaml", ".yml", ".json") and entry.is_file() and not entry.is_symlink():
                add(f"agents/{entry.name}", entry)
    for top in SKILL_DIRS:
        folder = root / top
        if folder.is_symlink():
            source.bad_links.append((top, "skill folder is a symbolic link; not followed"))
            continue
        if not folder.is_dir():
            continue
        paths.add(top)
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            rel_dir = Path(dirpath).relative_to(root).as_posix()
            keep = []
            for d in sorted(dirnames):
                full = Path(dirpath) / d
                if d.startswith(".") or d == "__pycache__":
                    continue
                if full.is_symlink():
                    add(f"{rel_dir}/{d}", full)  # reports links out; links in are duplicates
                    continue
                keep.append(d)
                paths.add(f"{rel_dir}/{d}")
            dirnames[:] = keep
            for f in sorted(filenames):
                if f.startswith(".") or f.endswith((".pyc", ".pyo")):
                    continue
                add(f"{rel_dir}/{f}", Path(dirpath) / f)
    source.files = [(rel, p) for rel, p in source.files if not p.is_dir()]
    source.paths = frozenset(paths | _other_paths(root))
    return source


MAX_OTHER_PATHS = 20000


def _other_paths(root: Path) -> set:
    """Names of the files and folders outside the standard folders (`forms.md`, `agents/`,
    `languages/go.md`), listed but not read: a link or a path in prose may name them, and a
    file is read only when something reaches it. Hidden entries, caches, virtual environments
    and nested skills are left out."""
    out: set = set()
    stack = [(root, "")]
    while stack and len(out) < MAX_OTHER_PATHS:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            rel = prefix + entry.name
            if not prefix and (entry.name in SKILL_DIRS or entry.name == "SKILL.md"):
                continue
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if _skip_dir(entry) or os.path.exists(os.path.join(entry.path, "SKILL.md")):
                    continue
                stack.append((Path(entry.path), rel + "/"))
            out.add(rel)
    return out


def owning_skill(path: Path) -> Path | None:
    """The skill folder a single file belongs to."""
    for folder in Path(path).resolve().parents:
        if (folder / "SKILL.md").is_file():
            return folder
    return None
