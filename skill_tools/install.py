"""`skill-tools install`: copy a built skill package into a skills folder, safely.

    skill-tools install PACKAGE --target DIR [--force]

`install` copies a built folder or zip into `DIR/<name>/`. It never writes outside DIR: zip
entries with absolute paths, `..`, backslashes, symbolic links or special files are refused,
and an existing, different install is replaced only with `--force`.

Exit codes: 0 done; 1 refused (the reasons are printed); 2 usage or internal error.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path

from .package import (MAX_INSTALL_BYTES, NAME_RE, OK, UsageError, _display, _excluded_name, _inside,
                      _print_reasons, _replace_dir, _run, _write_tree, collect, frontmatter_name)

_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_member(name: str) -> str | None:
    """Why a zip entry name could write outside the target, or None."""
    if not name or "\x00" in name:
        return "empty or NUL in the name"
    if "\\" in name:
        return "backslash in the path"
    if name.startswith("/") or _DRIVE.match(name):
        return "absolute path"
    parts = name.rstrip("/").split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "'..', '.' or empty path segment"
    return None


def read_zip(path: Path):
    """(name, files, reasons) from a package zip, checking every entry before reading any.

    Entries must sit under one top folder (the skill's name), as regular files or folders, with
    no absolute path, no `..`, no backslash, nothing hidden and no VCS or cache folder."""
    reasons, files = [], {}
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UsageError(f"{path}: not a readable zip: {exc}") from None
    with zf:
        infos = zf.infolist()
        tops = set()
        total = 0
        for info in infos:
            name = info.filename
            why = _unsafe_member(name)
            if why:
                reasons.append(f"{path}: entry {name!r}: {why}; refusing the whole archive")
                continue
            mode = info.external_attr >> 16
            kind = stat.S_IFMT(mode)
            if info.is_dir():
                if kind and kind != stat.S_IFDIR:
                    reasons.append(f"{path}: entry {name!r}: not a folder or a regular file")
                tops.add(name.split("/")[0])
                continue
            if kind == stat.S_IFLNK:
                reasons.append(f"{path}: entry {name!r}: symbolic link; a package holds regular files only")
                continue
            if kind and kind != stat.S_IFREG:
                reasons.append(f"{path}: entry {name!r}: not a regular file")
                continue
            parts = name.split("/")
            tops.add(parts[0])
            if len(parts) < 2:
                reasons.append(f"{path}: entry {name!r}: outside the skill folder of the package")
                continue
            rel = "/".join(parts[1:])
            why = next((w for w in (_excluded_name(p, i < len(parts) - 1) for i, p in enumerate(parts) if i) if w), None)
            if why:
                reasons.append(f"{path}: entry {name!r}: {why}; not part of a skill package")
                continue
            if rel in files:
                reasons.append(f"{path}: entry {name!r} appears twice")
                continue
            total += info.file_size
            if total > MAX_INSTALL_BYTES:
                reasons.append(f"{path}: more than {MAX_INSTALL_BYTES:,} bytes uncompressed")
                break
            files[rel] = info
        if len(tops) != 1:
            reasons.append(f"{path}: a package holds exactly one top folder, named after the skill "
                           f"(found: {', '.join(sorted(tops)) or 'nothing'})")
        if reasons:
            return None, {}, reasons
        name = tops.pop()
        data = {}
        for rel, info in files.items():
            try:
                with zf.open(info) as fh:
                    content = fh.read(info.file_size + 1)
            except (zipfile.BadZipFile, RuntimeError, EOFError, OSError, ValueError, NotImplementedError,
                    zlib.error) as exc:
                return None, {}, [f"{path}: entry {info.filename!r}: cannot read: {exc}"]
            if len(content) != info.file_size:
                return None, {}, [f"{path}: entry {info.filename!r}: size differs from its header"]
            data[rel] = content
        return name, data, []


def _tree(folder: Path) -> dict:
    """rel -> bytes of every file of an installed folder (links and special files as markers)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for n in dirnames + filenames:
            p = Path(dirpath) / n
            rel = p.relative_to(folder).as_posix()
            if p.is_symlink():
                out[rel] = ("link", os.readlink(p))
            elif n in filenames:
                out[rel] = p.read_bytes() if p.is_file() else ("special",)
    return out


def install(package_path: Path, target: Path, force: bool = False) -> int:
    src = Path(package_path)
    if src.is_file():
        name, files, problems = read_zip(src)
        if problems:
            return _print_reasons(problems, f"not installed {src}")
    elif src.is_dir():
        collected = collect(src, allow_internal_links=False, everything=True)
        if collected.reasons:
            lines = [f"{_display(src, rel)}: {msg}" for rel, _, msg in collected.reasons]
            return _print_reasons(lines, f"not installed {src}")
        name, files = src.resolve().name, collected.files
    else:
        raise UsageError(f"{src}: no such package (a built folder or a .zip)")

    problems = []
    if "SKILL.md" not in files:
        problems.append(f"{src}: no SKILL.md in the package")
    elif frontmatter_name(files["SKILL.md"]) != name:
        problems.append(f"{src}: SKILL.md 'name' is {frontmatter_name(files['SKILL.md'])!r} "
                        f"but the package folder is {name!r}")
    if not NAME_RE.match(name or "") or len(name) > 64:
        problems.append(f"{src}: {name!r} is not a valid skill name")
    if problems:
        return _print_reasons(problems, f"not installed {src}")

    target = Path(target).expanduser()
    if os.path.lexists(target) and not target.is_dir():
        raise UsageError(f"--target {target}: not a folder")
    target.mkdir(parents=True, exist_ok=True)
    dest = target / name
    if dest.is_symlink():
        return _print_reasons([f"{dest}: is a symbolic link; remove it first (never written through)"],
                              f"not installed {src}")
    if os.path.lexists(dest):
        if not dest.is_dir():
            existing = None
        else:
            try:
                existing = _tree(dest)
            except OSError:
                existing = None
        if existing == files:
            print(f"{name} is already installed in {dest} (identical)")
            return OK
        if not force:
            return _print_reasons([f"{dest}: a different install of {name} exists; use --force to replace it"],
                                  f"not installed {src}")

    staging = Path(tempfile.mkdtemp(prefix=f".{name}.install-", dir=target))
    try:
        real_staging = staging.resolve()
        for rel in files:  # belt and braces: every path stays inside the staging folder
            p = (real_staging / rel).resolve()
            if not _inside(p, real_staging) or p == real_staging:
                raise UsageError(f"{src}: entry {rel!r} leaves the target folder")
        _write_tree(staging, files)
        _replace_dir(staging, dest)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    print(f"installed {name} into {dest} ({len(files)} files)")
    return OK


def _install_cmd(args) -> int:
    return _run(install, Path(args.package), Path(args.target), args.force)


def add_install_command(subparsers) -> None:
    i = subparsers.add_parser(
        "install", help="copy a built package folder or zip into DIR/<name>/",
        description="Copy a package (folder or .zip built by `skill-tools package`) into DIR/<name>/, "
                    "never writing outside DIR. Refuses (exit 1) unsafe archives and an existing, "
                    "different install unless --force.",
    )
    i.add_argument("package", metavar="PACKAGE", help="built folder or .zip")
    i.add_argument("--target", required=True, metavar="DIR", help="skills folder, e.g. ~/.claude/skills")
    i.add_argument("--force", action="store_true", help="replace an existing, different install")
    i.set_defaults(func=_install_cmd)
