"""`skill-tools package`: ship a skill, and only the skill.

    skill-tools package [SKILL_DIR] [--out DIST]

`package` builds `DIST/<name>/` and a deterministic `DIST/<name>.zip` (sorted entries, fixed
timestamps and permissions: two builds of the same skill are byte-identical) from SKILL.md,
references/, templates/, scripts/ and assets/, plus the files inside the skill folder that those
link to (skill-lint checks them as part of the skill, so they ship too); nothing else. It refuses, with one line per reason, a skill that skill-lint finds errors in, a
file holding a credential (outside a `skill-lint-disable CB030` range), a hidden file or folder, a
version-control or cache folder, compiled Python, a symbolic link leaving the skill, a special
file (pipe, socket, device) and a binary file over `MAX_BINARY_BYTES`.

`<name>` is the frontmatter `name`; it must equal the skill's folder name, except at the root of
a git checkout (whoever clones picks that folder's name), as for skill-lint's FM013.

Exit codes: 0 done; 1 refused (the reasons are printed); 2 usage or internal error.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ALLOWED_DIRS = ("references", "templates", "scripts", "assets")
# The license travels with the skill (anthropics/skills ships LICENSE.txt in every skill).
_LICENSE = re.compile(r"^(?:LICEN[CS]E|COPYING|NOTICE)(?:[.-][\w.-]+)?$", re.I)
ALLOWED_TOP = ("SKILL.md",) + ALLOWED_DIRS
MAX_BINARY_BYTES = 5 * 1024 * 1024  # binary files larger than this are refused; text is fine
MAX_INSTALL_BYTES = 512 * 1024 * 1024  # total uncompressed size accepted from a zip
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
FIXED_MTIME = 315532800  # 1980-01-01T00:00:00Z, for the files of the built folder
FILE_MODE = 0o644
EXEC_MODE = 0o755  # files under scripts/
DIR_MODE = 0o755
NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
VCS_DIRS = {".git", ".hg", ".svn", ".bzr", "CVS", "_darcs", ".fossil", ".jj", ".pijul"}
CACHE_DIRS = {"__pycache__", "node_modules", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox",
              ".nox", ".cache", ".skill-lint-cache", ".hypothesis", ".ipynb_checkpoints"}
BYTECODE = (".pyc", ".pyo", ".pyd")

OK, REFUSED, USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or an unreadable input: exit 2."""


@dataclass
class Collected:
    files: dict = field(default_factory=dict)  # rel (POSIX) -> bytes
    reasons: list = field(default_factory=list)  # (rel, line, message)
    special: bool = False  # a pipe, socket or device was met: reading it could block


# ---- what goes into a package ------------------------------------------------------------


def _is_text(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _excluded_name(name: str, is_dir: bool) -> str | None:
    """Why a file or folder name may not be shipped, or None."""
    if name in VCS_DIRS:
        return "version-control folder"
    if name in CACHE_DIRS or (is_dir and name.endswith(("_cache", "-cache"))):
        return "cache folder"
    if not is_dir and name.endswith(BYTECODE):
        return "compiled Python file"
    if name.startswith("."):
        return "hidden folder" if is_dir else "hidden file"
    return None


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _top_entries(root: Path) -> list:
    try:
        return sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return []


def collect(root: Path, *, allow_internal_links: bool = True, extras=(), everything: bool = False) -> Collected:
    """Every file that would be shipped from the skill at `root`, and why it cannot be.

    SKILL.md, the four skill folders and the `extras` (skill-relative paths of linked files) are
    read; anything else at the top is left out, unless `everything` (a built package folder).
    Links are never followed out of the skill; a file link inside it is stored as the file.
    """
    out = Collected()
    real_root = root.resolve()

    def refuse(rel, message, line=0):
        out.reasons.append((rel, line, message))

    def add_file(rel: str, path: Path):
        try:
            st = path.lstat()
        except OSError as exc:
            refuse(rel, f"cannot read: {exc.strerror or exc}")
            return
        if stat.S_ISLNK(st.st_mode):
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                refuse(rel, "symbolic link is broken or loops")
                return
            if not _inside(target, real_root):
                refuse(rel, f"symbolic link leaves the skill (-> {os.readlink(path)})")
                return
            if not allow_internal_links:
                refuse(rel, "symbolic link (a package holds regular files only)")
                return
            if target.is_dir():
                refuse(rel, "symbolic link to a folder (it would be copied twice or loop); use a real folder")
                return
            st = target.stat()
            path = target
        if not stat.S_ISREG(st.st_mode):
            out.special = True
            refuse(rel, "not a regular file (pipe, socket or device)")
            return
        try:
            data = path.read_bytes()
        except OSError as exc:
            refuse(rel, f"cannot read: {exc.strerror or exc}")
            return
        if len(data) > MAX_BINARY_BYTES and not _is_text(data):
            refuse(rel, f"binary file of {len(data):,} bytes; the limit is {MAX_BINARY_BYTES:,}")
            return
        out.files[rel] = data

    def walk(rel_dir: str, folder: Path):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            refuse(rel_dir, f"cannot list folder: {exc.strerror or exc}")
            return
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}"
            is_dir = entry.is_dir(follow_symlinks=False)
            why = _excluded_name(entry.name, is_dir)
            if why:
                refuse(rel + ("/" if is_dir else ""), f"{why}; remove it from the skill (it is never packaged)")
            elif is_dir:
                walk(rel, Path(entry.path))
            else:
                add_file(rel, Path(entry.path))

    skill_md = root / "SKILL.md"
    if skill_md.is_symlink() or skill_md.exists():
        add_file("SKILL.md", skill_md)
    else:
        refuse("SKILL.md", "missing: a skill folder holds a SKILL.md")
    licenses = [e.name for e in _top_entries(root) if _LICENSE.match(e.name) and e.is_file(follow_symlinks=False)]
    for rel in sorted(set(extras) | set(licenses)):
        parts = rel.split("/")
        why = next((w for w in (_excluded_name(p, i < len(parts) - 1) for i, p in enumerate(parts)) if w), None)
        if why:
            refuse(rel, f"{why}; remove it from the skill (it is never packaged)")
            continue
        path = root.joinpath(*parts)
        try:
            parent = path.parent.resolve(strict=True)
        except (OSError, RuntimeError):
            refuse(rel, "cannot resolve its folder")
            continue
        if not _inside(parent, real_root):
            refuse(rel, "reached through a symbolic link that leaves the skill")
            continue
        add_file(rel, path)
    if everything:
        try:
            tops = sorted(os.scandir(root), key=lambda e: e.name)
        except OSError as exc:
            refuse(".", f"cannot list folder: {exc.strerror or exc}")
            tops = []
        for entry in tops:
            if entry.name == "SKILL.md":
                continue
            is_dir = entry.is_dir(follow_symlinks=False)
            why = _excluded_name(entry.name, is_dir)
            if why:
                refuse(entry.name + ("/" if is_dir else ""), f"{why}; not part of a skill package")
            elif is_dir:
                walk(entry.name, Path(entry.path))
            else:
                add_file(entry.name, Path(entry.path))
        return out
    for top in ALLOWED_DIRS:
        folder = root / top
        if folder.is_symlink():
            try:
                target = folder.resolve(strict=True)
            except (OSError, RuntimeError):
                refuse(top + "/", "symbolic link is broken or loops")
                continue
            where = "leaves the skill" if not _inside(target, real_root) else "points to another folder of the skill"
            refuse(top + "/", f"skill folder is a symbolic link that {where} (-> {os.readlink(folder)}); use a real folder")
            continue
        if folder.is_dir():
            walk(top, folder)
        elif folder.exists():
            refuse(top, f"'{top}' must be a folder")
    return out


def frontmatter_name(data: bytes):
    """The `name` of a SKILL.md, or None."""
    from .document import Document

    try:
        fm = Document("SKILL.md", data).frontmatter
    except Exception:  # noqa: BLE001 - an unreadable frontmatter simply has no name
        return None
    if isinstance(fm.data, dict) and isinstance(fm.data.get("name"), str):
        return fm.data["name"]
    return None


# ---- reporting ---------------------------------------------------------------------------


def _display(root: Path, rel: str) -> str:
    try:
        return Path(os.path.relpath(root / rel)).as_posix()
    except ValueError:  # pragma: no cover - another drive on Windows
        return (root / rel).as_posix()


def _print_reasons(reasons, what: str) -> int:
    for line in reasons:
        print(line, file=sys.stderr)
    print(f"skill-tools: {what}: {len(reasons)} problem(s)", file=sys.stderr)
    return REFUSED


# ---- package -----------------------------------------------------------------------------


def _lint(root: Path):
    """(skill-lint errors as (path, line, text) triples, the linted SkillSource).

    The engine adds to the source the files outside the standard folders that the skill links
    to: they are part of the skill, so they are shipped too.
    """
    from .config import ConfigError, load_config
    from .discover import skill_files
    from .engine import LintError, run

    try:
        config = load_config(root)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    source = skill_files(root)
    try:
        result = run([source], config, jobs=1, cache=None)
    except LintError as exc:
        raise UsageError(f"skill-lint failed: {exc}") from None
    errors = [(f.path, f.line, f"{f.path}:{f.line}:{f.column}: {f.code} {f.message} (skill-lint error)")
              for f in result.findings if f.severity == "error"]
    return errors, source


def _cb030_suppressed(rel: str, data: bytes) -> set:
    """Lines of a Markdown file inside `skill-lint-disable` ranges that cover CB030."""
    from .document import MARKDOWN, Document
    from .crossrefs import suppression_ranges
    from .rules import matches

    doc = Document(rel, data)
    if doc.kind != MARKDOWN or doc.binary:
        return set()
    lines = set()
    for s in suppression_ranges(doc):
        if not s.codes or matches("CB030", s.codes):
            lines.update(range(s.start, s.end + 1))
    return lines


def _secret_lines(root: Path, files: dict) -> list:
    """Credentials anywhere in the shipped text files (prose too, not only code blocks)."""
    from .secrets import find_secrets

    found = []
    for rel, data in sorted(files.items()):
        if b"\x00" in data[:8192]:
            continue
        text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        if text.startswith("\ufeff"):
            text = text[1:]
        hits = list(find_secrets(text))
        if not hits:
            continue
        suppressed = _cb030_suppressed(rel, data)
        for line, _col, what in hits:
            if line in suppressed:
                continue
            shown = _display(root, rel)
            found.append((shown, line, f"{shown}:{line}: hard-coded secret: {what}; use a placeholder such as ${{VAR}}"))
    return found


def _mode(rel: str) -> int:
    return EXEC_MODE if rel.startswith("scripts/") else FILE_MODE


def build_zip(name: str, files: dict) -> bytes:
    """The zip of `files` under `name/`: sorted, fixed dates and modes, so reproducible."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in sorted(files):
            info = zipfile.ZipInfo(f"{name}/{rel}", date_time=ZIP_DATE)
            info.create_system = 3  # Unix, whatever the building platform
            info.external_attr = (stat.S_IFREG | _mode(rel)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, files[rel], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buf.getvalue()


def _write_tree(folder: Path, files: dict):
    """Write `files` into the new, empty `folder` with fixed modes and times."""
    dirs = set()
    for rel in sorted(files):
        parts = PurePosixPath(rel).parts
        for i in range(1, len(parts)):
            dirs.add("/".join(parts[:i]))
        path = folder.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as fh:  # never through an existing file or link
            fh.write(files[rel])
        os.chmod(path, _mode(rel))
        os.utime(path, (FIXED_MTIME, FIXED_MTIME))
    for d in sorted(dirs, reverse=True):
        os.chmod(folder.joinpath(*d.split("/")), DIR_MODE)
        os.utime(folder.joinpath(*d.split("/")), (FIXED_MTIME, FIXED_MTIME))
    os.chmod(folder, DIR_MODE)
    os.utime(folder, (FIXED_MTIME, FIXED_MTIME))


def _remove(path: Path):
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()


def _replace_dir(staging: Path, dest: Path):
    """Move `staging` to `dest`, removing what was there, with the old copy kept until the end."""
    old = None
    if os.path.lexists(dest):
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
        os.rmdir(old)
        os.replace(dest, old)
    os.replace(staging, dest)
    if old is not None:
        _remove(old)


def package(skill_dir: Path, out_dir: Path) -> int:
    root = Path(skill_dir)
    if not root.is_dir():
        raise UsageError(f"{root}: not a folder")
    if not (root / "SKILL.md").exists() and not (root / "SKILL.md").is_symlink():
        raise UsageError(f"{root}: no SKILL.md (not a skill folder)")
    real_root = root.resolve()
    from .discover import SkillSource

    collected = collect(root)
    folder_name = real_root.name
    if collected.special and not hasattr(SkillSource, "special_files"):  # pragma: no cover - old engine
        # an engine that opens special files would block on a pipe: do not hand it the skill
        lint = [(_display(root, "."), 0, f"{_display(root, '.')}: not linted: remove the special files first")]
    else:
        lint, source = _lint(root)
        folder_name = getattr(source, "folder_name", folder_name)  # "" at the root of a git checkout
        extras = [rel for rel, _ in source.files if rel.split("/", 1)[0] not in ALLOWED_TOP]
        if extras:
            collected = collect(root, extras=extras)
    reasons = [(_display(root, rel), line, f"{_display(root, rel)}{f':{line}' if line else ''}: {msg}")
               for rel, line, msg in collected.reasons]
    reasons += lint
    reasons += _secret_lines(root, collected.files)

    name = frontmatter_name(collected.files.get("SKILL.md", b""))
    fm_reported = any(" FM0" in r[2] for r in lint)
    if not fm_reported:
        shown = _display(root, "SKILL.md")
        if name is None:
            reasons.append((shown, 1, f"{shown}: the frontmatter has no 'name'"))
        elif not NAME_RE.match(name) or len(name) > 64:
            reasons.append((shown, 1, f"{shown}: 'name' {name!r} is not a valid skill name"))
        elif folder_name and name != folder_name:
            reasons.append((shown, 1, f"{shown}: 'name' is {name!r} but the folder is {folder_name!r}; they must match"))
    if reasons:
        seen, lines = set(), []
        for _, _, text in sorted(reasons, key=lambda r: (r[0], r[1], r[2])):
            if text not in seen:
                seen.add(text)
                lines.append(text)
        return _print_reasons(lines, f"not packaged {_display(root, '.')}")
    assert name is not None  # guaranteed by the checks above

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    real_out = out.resolve()
    dest, zip_path = out / name, out / f"{name}.zip"
    real_dest = real_out / name
    for top in ALLOWED_DIRS:
        if _inside(real_out, real_root / top):
            raise UsageError(f"--out {out} is inside the skill's {top}/ folder; choose a folder outside it")
    if real_dest == real_root or real_dest in real_root.parents:
        raise UsageError(f"--out {out}: {dest} would replace the skill folder itself; choose another folder")

    data = build_zip(name, collected.files)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.build-", dir=out))
    try:
        _write_tree(staging, collected.files)
        _replace_dir(staging, dest)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    fd, tmp_zip = tempfile.mkstemp(prefix=f".{name}.zip-", dir=out)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp_zip, FILE_MODE)
        if zip_path.is_dir() and not zip_path.is_symlink():
            shutil.rmtree(zip_path)
        os.replace(tmp_zip, zip_path)
    finally:
        if os.path.exists(tmp_zip):
            os.unlink(tmp_zip)
    total = sum(len(d) for d in collected.files.values())
    print(f"packaged {name}: {Path(os.path.relpath(dest)).as_posix()}/ and "
          f"{Path(os.path.relpath(zip_path)).as_posix()} ({len(collected.files)} files, {total:,} bytes)")
    return OK



# ---- command line ------------------------------------------------------------------------


def _run(func, *args) -> int:
    try:
        return func(*args)
    except UsageError as exc:
        print(f"skill-tools: {exc}", file=sys.stderr)
        return USAGE
    except OSError as exc:
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"skill-tools: cannot write or read{where}: {exc.strerror or exc}", file=sys.stderr)
        return USAGE


def _package_cmd(args) -> int:
    return _run(package, Path(args.skill_dir), Path(args.out))


def add_package_command(subparsers) -> None:
    p = subparsers.add_parser(
        "package", help="build DIST/<name>/ and a reproducible DIST/<name>.zip from a clean skill",
        description="Build DIST/<name>/ and a reproducible DIST/<name>.zip from SKILL.md, references/, "
                    "templates/, scripts/, assets/ and the files inside the skill they link to. Refuses (exit 1) "
                    "a skill with skill-lint errors, secrets, hidden, VCS or cache files, compiled Python, "
                    "symbolic links leaving the skill, special files, or binary files over 5 MB.",
    )
    p.add_argument("skill_dir", nargs="?", default=".", metavar="SKILL_DIR", help="skill folder (default: .)")
    p.add_argument("--out", default="dist", metavar="DIST", help="output folder (default: dist)")
    p.set_defaults(func=_package_cmd)
