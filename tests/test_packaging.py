"""`skill-tools package` and `skill-tools install`: what ships, what is refused, reproducible zips,
and installs that never write outside their target.

Each refusal test builds a skill that is clean for skill-lint except for the one problem under
test, so it fails if that protection is removed.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from skill_tools import install as installing
from skill_tools import package as packaging
from skill_tools.tools_cli import main

NAME = "widget-maker"
SKILL_MD = f"""\
---
name: {NAME}
description: Builds widgets from parts. Use when the user asks for a widget.
---
# Widget maker

Read [the guide](references/guide.md) first, then render `templates/widget/widget.py.j2`
or run `scripts/check.sh`. The logo is `assets/logo.png`.
"""
GUIDE = """\
# Guide

## Usage

```python
import os

print(os.sep)
```
"""
TEMPLATE = """\
{#-
description: One widget module.
variables:
  widget: {description: Python identifier of the widget, example: gear}
-#}
WIDGET = "{{ widget }}"
"""
SCRIPT = "#!/bin/sh\necho checking\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def write(root: Path, files: dict):
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")


def make_skill(base: Path, extra: dict | None = None, name: str = NAME) -> Path:
    root = base / name
    files = {
        "SKILL.md": SKILL_MD.replace(NAME, name),
        "references/guide.md": GUIDE,
        "templates/widget/widget.py.j2": TEMPLATE,
        "scripts/check.sh": SCRIPT,
        "assets/logo.png": PNG,
        # never shipped: outside the allowlist
        "README.md": "# Readme\n",
        "tests/test_widget.py": "def test_x():\n    pass\n",
    }
    files.update(extra or {})
    write(root, files)
    return root


def run(capsys, *argv):
    """skill-tools ARGV: (exit code, stdout, stderr); never a traceback."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def package(capsys, skill: Path, out: Path):
    return run(capsys, "package", skill, "--out", out)


@pytest.fixture
def skill(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return make_skill(tmp_path)


def refused(capsys, skill, tmp_path, needle: str, path_fragment: str):
    """Package `skill`, expect exit 1 with a reason line naming `path_fragment` and `needle`."""
    code, out, err = package(capsys, skill, tmp_path / "dist")
    assert code == 1, (out, err)
    lines = [line for line in err.splitlines() if path_fragment in line and needle in line]
    assert lines, f"no reason naming {path_fragment!r} with {needle!r} in:\n{err}"
    assert not (tmp_path / "dist" / f"{skill.name}.zip").exists()
    assert not (tmp_path / "dist" / skill.name).exists()
    return err


# ---- happy path ------------------------------------------------------------------------


def test_license_and_what_skill_md_names_are_packed(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    skill = make_skill(tmp_path)
    (skill / "LICENSE.txt").write_text("MIT\n")
    (skill / "forms.md").write_text("# Forms\n\nFill them in order.\n")
    (skill / "fonts").mkdir()
    (skill / "fonts" / "Inter.ttf").write_bytes(b"\x00\x01font")
    (skill / "notes-for-maintainers.md").write_text("# Not for Claude\n")
    md = (skill / "SKILL.md").read_text()
    (skill / "SKILL.md").write_text(md + "\nTo fill a form, read forms.md. Fonts live in `fonts/`.\n")
    code, out, err = package(capsys, skill, tmp_path / "dist")
    assert code == 0, err
    folder = tmp_path / "dist" / NAME
    shipped = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {"LICENSE.txt", "forms.md", "fonts/Inter.ttf"} <= shipped
    assert "notes-for-maintainers.md" not in shipped


def test_package_and_install_happy_path(skill, tmp_path, capsys):
    code, out, err = package(capsys, skill, tmp_path / "dist")
    assert code == 0, err
    assert "packaged widget-maker" in out
    folder, archive = tmp_path / "dist" / NAME, tmp_path / "dist" / f"{NAME}.zip"
    shipped = {"SKILL.md", "references/guide.md", "templates/widget/widget.py.j2", "scripts/check.sh", "assets/logo.png"}
    assert {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} == shipped
    with zipfile.ZipFile(archive) as zf:
        assert zf.namelist() == sorted(f"{NAME}/{rel}" for rel in shipped)
        for rel in shipped:
            assert zf.read(f"{NAME}/{rel}") == (skill / rel).read_bytes()
    # the built folder passes skill-lint
    from skill_tools.cli import main as lint_main

    assert lint_main(["--no-cache", "--format", "json", str(folder)]) == 0
    capsys.readouterr()

    target = tmp_path / "home" / ".claude" / "skills"
    code, out, err = run(capsys, "install", archive, "--target", target)
    assert code == 0, err
    installed = target / NAME
    assert {p.relative_to(installed).as_posix() for p in installed.rglob("*") if p.is_file()} == shipped
    for rel in shipped:
        assert (installed / rel).read_bytes() == (skill / rel).read_bytes()
    assert sorted(p.name for p in target.iterdir()) == [NAME]  # no temporary folders left

    # the same package again: nothing to do; the built folder is the same package
    assert run(capsys, "install", archive, "--target", target)[0] == 0
    assert run(capsys, "install", folder, "--target", target)[0] == 0


def test_default_skill_dir_and_out(skill, capsys, monkeypatch):
    monkeypatch.chdir(skill)
    code, out, err = run(capsys, "package")
    assert code == 0, err
    assert (skill / "dist" / f"{NAME}.zip").is_file()
    code, out, err = run(capsys, "package")  # dist/ inside the skill is not shipped
    assert code == 0, err
    with zipfile.ZipFile(skill / "dist" / f"{NAME}.zip") as zf:
        assert not any("/dist/" in n for n in zf.namelist())


def test_linked_files_outside_the_standard_folders_ship(tmp_path, capsys, monkeypatch):
    """skill-lint checks a file the skill links to as part of the skill; the package holds it."""
    monkeypatch.chdir(tmp_path)
    skill = make_skill(tmp_path, {"SKILL.md": SKILL_MD + "\nSee [the notes](docs/notes.md).\n",
                                  "docs/notes.md": "# Notes\n\nAlso [more](more.md).\n",
                                  "docs/more.md": "# More\n",
                                  "docs/unlinked.md": "# Unlinked\n"})
    code, out, err = package(capsys, skill, tmp_path / "dist")
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "dist" / f"{NAME}.zip") as zf:
        names = zf.namelist()
    assert f"{NAME}/docs/notes.md" in names and f"{NAME}/docs/more.md" in names
    assert f"{NAME}/docs/unlinked.md" not in names and f"{NAME}/README.md" not in names
    target = tmp_path / "skills"
    code, out, err = run(capsys, "install", tmp_path / "dist" / f"{NAME}.zip", "--target", target)
    assert code == 0, err
    assert (target / NAME / "docs" / "more.md").read_text() == "# More\n"


def test_secret_in_linked_extra_file_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    skill = make_skill(tmp_path, {"SKILL.md": SKILL_MD + "\nSee [the notes](docs/notes.md).\n",
                                  "docs/notes.md": "# Notes\n\nghp_0123456789abcdefghijklmnopqrstuvwxyzAB\n"})
    refused(capsys, skill, tmp_path, "GitHub token", "widget-maker/docs/notes.md:3")


def test_git_checkout_root_is_packaged_under_its_name(tmp_path, capsys, monkeypatch):
    """At the root of a git checkout the folder name is the cloner's choice (FM013 is exempt)."""
    monkeypatch.chdir(tmp_path)
    skill = make_skill(tmp_path, name="checkout")
    write(skill, {"SKILL.md": SKILL_MD, ".git/HEAD": "ref: refs/heads/main\n"})
    code, out, err = package(capsys, skill, tmp_path / "dist")
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "dist" / f"{NAME}.zip") as zf:
        assert all(n.startswith(f"{NAME}/") for n in zf.namelist())
        assert not any("/.git/" in n for n in zf.namelist())
    assert (tmp_path / "dist" / NAME / "SKILL.md").is_file()


def test_placeholder_credentials_in_prose_do_not_refuse(skill, tmp_path, capsys):
    """Prose that explains URIs (`snowflake://user:pass@account/db`) holds no secret; the bundle's own
    references/security-compliance-patterns.md says exactly this and must package."""
    write(skill, {"references/guide.md": GUIDE + (
        "\nA URI such as `snowflake://user:pass@account/db` parses with an empty account.\n"
        "Never write `postgres://user:password@host/db` into a DAG file.\n")})
    code, out, err = package(capsys, skill, tmp_path / "dist")
    assert code == 0, err


def test_secret_inside_a_cb030_suppression_is_allowed(skill, tmp_path, capsys):
    guide = GUIDE + (
        "\n## Legacy\n\n<!-- skill-lint-disable CB030 -- shows the leaked key we rotated -->\n"
        "```bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7REALKEY\n```\n<!-- skill-lint-enable CB030 -->\n"
    )
    write(skill, {"references/guide.md": guide})
    code, out, err = package(capsys, skill, tmp_path / "dist")
    assert code == 0, err


def test_warnings_do_not_refuse(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    skill = make_skill(tmp_path, {"SKILL.md": SKILL_MD.replace("Use when the user asks for a widget.", "Makes widgets.")})
    code, out, err = package(capsys, skill, tmp_path / "dist")
    assert code == 0, err  # FM023 (no trigger) is a warning


# ---- reproducible builds -----------------------------------------------------------------


def test_zip_is_byte_identical_across_builds(skill, tmp_path, capsys):
    assert package(capsys, skill, tmp_path / "one")[0] == 0
    first = (tmp_path / "one" / f"{NAME}.zip").read_bytes()
    # other times, other permissions, another output folder, files created in another order
    time.sleep(1.1)
    for path in skill.rglob("*"):
        if path.is_file():
            os.utime(path, (time.time(), time.time()))
    os.chmod(skill / "references" / "guide.md", 0o600)
    os.chmod(skill / "scripts" / "check.sh", 0o700)
    guide = (skill / "references" / "guide.md").read_bytes()
    (skill / "references" / "guide.md").unlink()
    (skill / "references" / "guide.md").write_bytes(guide)
    assert package(capsys, skill, tmp_path / "two")[0] == 0
    second = (tmp_path / "two" / f"{NAME}.zip").read_bytes()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            mode = info.external_attr >> 16
            assert stat.S_ISREG(mode)
            assert stat.S_IMODE(mode) == (0o755 if info.filename.startswith(f"{NAME}/scripts/") else 0o644)


def test_rebuild_replaces_previous_output(skill, tmp_path, capsys):
    write(skill, {"references/old.md": "# Old\n", "SKILL.md": SKILL_MD + "\nSee [old](references/old.md).\n"})
    assert package(capsys, skill, tmp_path / "dist")[0] == 0
    assert (tmp_path / "dist" / NAME / "references" / "old.md").exists()
    (skill / "references" / "old.md").unlink()
    write(skill, {"SKILL.md": SKILL_MD})
    (tmp_path / "dist" / NAME / "stray.txt").write_text("left by hand")
    assert package(capsys, skill, tmp_path / "dist")[0] == 0
    folder = tmp_path / "dist" / NAME
    assert not (folder / "references" / "old.md").exists()
    assert not (folder / "stray.txt").exists()
    with zipfile.ZipFile(tmp_path / "dist" / f"{NAME}.zip") as zf:
        assert f"{NAME}/references/old.md" not in zf.namelist()
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == [NAME, f"{NAME}.zip"]  # no temp files


# ---- refusals: one test per protection -----------------------------------------------------


def test_refuses_lint_errors(skill, tmp_path, capsys):
    write(skill, {"SKILL.md": SKILL_MD + "\nAlso [setup](references/setup.md).\n"})
    err = refused(capsys, skill, tmp_path, "LK001", "widget-maker/SKILL.md:10")
    assert "skill-lint" in err


def test_refuses_secret_in_prose(skill, tmp_path, capsys):
    """CB030 only reads code blocks; the packager reads every shipped byte."""
    write(skill, {"references/guide.md": GUIDE + "\nOur key is AKIAIOSFODNN7REALKEY for the demo.\n"})
    refused(capsys, skill, tmp_path, "AWS access key", "widget-maker/references/guide.md:11")


def test_refuses_secret_in_asset(skill, tmp_path, capsys):
    write(skill, {"assets/settings.ini": "[db]\npassword = 'hunter2-prod'\n",
                  "SKILL.md": SKILL_MD + "\nSettings: `assets/settings.ini`.\n"})
    err = refused(capsys, skill, tmp_path, "hard-coded secret", "widget-maker/assets/settings.ini:2")
    assert "hunter2" not in err  # the secret itself is never printed


@pytest.mark.parametrize("rel", ["references/.env", "assets/.DS_Store", "scripts/.secret/key.txt"])
def test_refuses_hidden_files_and_folders(skill, tmp_path, capsys, rel):
    write(skill, {rel: "anything\n"})
    top = rel.rsplit("/", 1)[0] if rel.count("/") > 1 else rel
    refused(capsys, skill, tmp_path, "hidden", f"widget-maker/{top}")


@pytest.mark.parametrize("folder", ["CVS", ".git", ".hg", ".svn"])
def test_refuses_vcs_folders(skill, tmp_path, capsys, folder):
    write(skill, {f"references/{folder}/Entries": "x\n"})
    refused(capsys, skill, tmp_path, "version-control", f"widget-maker/references/{folder}")


@pytest.mark.parametrize("rel,needle", [
    ("scripts/__pycache__/check.cpython-311.pyc", "cache folder"),
    ("scripts/helper.pyc", "compiled Python"),
    ("scripts/.pytest_cache/v/cache/x", "cache folder"),
    ("assets/node_modules/left-pad/index.js", "cache folder"),
])
def test_refuses_caches_and_bytecode(skill, tmp_path, capsys, rel, needle):
    write(skill, {rel: b"\x00\x01cached"})
    top = "/".join(rel.split("/")[:2])
    refused(capsys, skill, tmp_path, needle, f"widget-maker/{top}")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_refuses_symlink_leaving_the_skill(skill, tmp_path, capsys):
    outside = tmp_path / "outside.md"
    outside.write_text("# Outside\n")
    os.symlink(outside, skill / "assets" / "outside.md")
    refused(capsys, skill, tmp_path, "symbolic link leaves the skill", "widget-maker/assets/outside.md")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_refuses_skill_folder_symlinked_outside(skill, tmp_path, capsys):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "notes.txt").write_text("x\n")
    import shutil

    shutil.rmtree(skill / "assets")
    os.symlink(tmp_path / "elsewhere", skill / "assets")
    refused(capsys, skill, tmp_path, "symbolic link that leaves the skill", "widget-maker/assets")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_refuses_linked_file_behind_a_folder_symlink_leaving_the_skill(skill, tmp_path, capsys):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "notes.md").write_text("# Notes\n")
    os.symlink(tmp_path / "elsewhere", skill / "docs")
    write(skill, {"SKILL.md": SKILL_MD + "\nSee [notes](docs/notes.md).\n"})
    refused(capsys, skill, tmp_path, "symbolic link", "widget-maker/docs")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_collect_never_reads_extras_behind_a_folder_symlink(skill, tmp_path):
    """Defence in depth: even if the engine listed such a file, the packager would not read it."""
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "notes.md").write_text("# Notes\n")
    os.symlink(tmp_path / "elsewhere", skill / "docs")
    collected = packaging.collect(skill, extras=["docs/notes.md", "docs/.hidden.md"])
    assert "docs/notes.md" not in collected.files
    reasons = {rel: msg for rel, _, msg in collected.reasons}
    assert "symbolic link that leaves the skill" in reasons["docs/notes.md"]
    assert "hidden" in reasons["docs/.hidden.md"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlink_inside_the_skill_is_stored_as_a_file(skill, tmp_path, capsys):
    os.symlink("logo.png", skill / "assets" / "logo-copy.png")
    write(skill, {"SKILL.md": SKILL_MD + "\nAlso `assets/logo-copy.png`.\n"})
    code, out, err = package(capsys, skill, tmp_path / "dist")
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "dist" / f"{NAME}.zip") as zf:
        info = zf.getinfo(f"{NAME}/assets/logo-copy.png")
        assert stat.S_ISREG(info.external_attr >> 16)
        assert zf.read(info) == PNG


def test_refuses_large_binary(skill, tmp_path, capsys):
    big = b"\x00\xff" * (packaging.MAX_BINARY_BYTES // 2 + 1)
    write(skill, {"assets/model.bin": big, "SKILL.md": SKILL_MD + "\nWeights: `assets/model.bin`.\n"})
    refused(capsys, skill, tmp_path, "binary file", "widget-maker/assets/model.bin")


def test_large_text_file_is_fine(skill, tmp_path, capsys):
    line = "id,name,amount\n"
    write(skill, {"assets/data.csv": line * (packaging.MAX_BINARY_BYTES // len(line) + 10),
                  "SKILL.md": SKILL_MD + "\nData: `assets/data.csv`.\n"})
    code, out, err = package(capsys, skill, tmp_path / "dist")
    assert code == 0, err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_refuses_named_pipe_without_blocking(tmp_path):
    skill = make_skill(tmp_path)
    os.mkfifo(skill / "assets" / "pipe")
    cmd = [sys.executable, "-m", "skill_tools.tools_cli", "package", str(skill), "--out", str(tmp_path / "dist")]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd=tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail("skill-tools package blocked on a named pipe")
    assert proc.returncode == 1, proc.stderr
    mine = [line for line in proc.stderr.splitlines()
            if "widget-maker/assets/pipe" in line and "not a regular file" in line and "skill-lint" not in line]
    assert mine, proc.stderr
    assert "Traceback" not in proc.stderr


def test_refuses_name_folder_mismatch_even_when_lint_ignores_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.skill-lint]\nignore = ["FM013"]\n')
    skill = make_skill(tmp_path, {"SKILL.md": SKILL_MD.replace(f"name: {NAME}", "name: other-name")})
    refused(capsys, skill, tmp_path, "must match", "widget-maker/SKILL.md")
    assert not (tmp_path / "dist" / "other-name").exists()


def test_every_reason_on_its_own_line(skill, tmp_path, capsys):
    write(skill, {"references/.env": "x", "assets/helper.pyc": b"\x00",
                  "SKILL.md": SKILL_MD + "\n[missing](references/nope.md)\n"})
    code, out, err = package(capsys, skill, tmp_path / "dist")
    assert code == 1
    reasons = [line for line in err.splitlines() if line.startswith("widget-maker/")]
    assert len(reasons) == 3, err
    assert "3 problem(s)" in err.splitlines()[-1]


# ---- usage errors ------------------------------------------------------------------------


def test_usage_errors_exit_2(skill, tmp_path, capsys):
    assert run(capsys, "package", tmp_path / "nope")[0] == 2
    (tmp_path / "empty").mkdir()
    assert run(capsys, "package", tmp_path / "empty")[0] == 2
    assert run(capsys, "package", skill, "--out", skill / "references" / "dist")[0] == 2
    assert not (skill / "references" / "dist" / NAME).exists()
    assert run(capsys, "install", tmp_path / "nope.zip", "--target", tmp_path / "t")[0] == 2
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    assert run(capsys, "install", tmp_path / "junk.zip", "--target", tmp_path / "t")[0] == 2
    with pytest.raises(SystemExit) as exc:
        main(["install", str(tmp_path / "junk.zip")])  # --target is required
    assert exc.value.code == 2
    capsys.readouterr()


def test_out_folder_that_would_replace_the_skill(skill, tmp_path, capsys):
    code, out, err = run(capsys, "package", skill, "--out", tmp_path)
    assert code == 2, err
    assert (skill / "SKILL.md").read_text() == SKILL_MD
    assert (skill / "README.md").exists()


# ---- install -----------------------------------------------------------------------------


def zip_with(entries) -> bytes:
    """A zip from (name, data, unix mode) triples, written raw (no sanitising)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = mode << 16
            zf.writestr(info, data)
    return buf.getvalue()


GOOD_ENTRIES = [
    (f"{NAME}/SKILL.md", SKILL_MD.encode(), 0o100644),
    (f"{NAME}/references/guide.md", GUIDE.encode(), 0o100644),
]


@pytest.mark.parametrize("evil,why", [
    ("../evil.txt", "'..'"),
    (f"{NAME}/../../evil.txt", "'..'"),
    (f"{NAME}/references/../../../evil.txt", "'..'"),
    ("/tmp/evil-absolute.txt", "absolute path"),
    ("C:/evil.txt", "absolute path"),
    (f"{NAME}\\..\\..\\evil.txt", "backslash"),
    (f"{NAME}/./references/x.md", "'.'"),
], ids=["dotdot", "nested-dotdot", "deep-dotdot", "absolute", "drive", "backslash", "dot"])
def test_install_refuses_zip_slip(tmp_path, capsys, evil, why):
    archive = tmp_path / "pkg" / "evil.zip"
    archive.parent.mkdir()
    archive.write_bytes(zip_with(GOOD_ENTRIES + [(evil, b"pwned", 0o100644)]))
    target = tmp_path / "a" / "b" / "skills"
    before = {p for p in tmp_path.rglob("*")}
    code, out, err = run(capsys, "install", archive, "--target", target)
    assert code == 1, err
    assert [line for line in err.splitlines() if repr(evil) in line and why in line], err
    after = {p for p in tmp_path.rglob("*")} - before
    assert all(not p.is_file() for p in after), f"files written: {sorted(after)}"
    assert not Path("/tmp/evil-absolute.txt").exists()


def test_install_refuses_symlink_entries(tmp_path, capsys):
    archive = tmp_path / "link.zip"
    archive.write_bytes(zip_with(GOOD_ENTRIES + [(f"{NAME}/references/passwd.md", b"/etc/passwd", 0o120777)]))
    target = tmp_path / "skills"
    code, out, err = run(capsys, "install", archive, "--target", target)
    assert code == 1
    assert "symbolic link" in err
    assert not (target / NAME).exists()


@pytest.mark.parametrize("entries,needle", [
    ([(f"{NAME}/references/guide.md", b"# G\n", 0o100644)], "no SKILL.md"),
    (GOOD_ENTRIES + [("other-skill/SKILL.md", b"---\nname: other-skill\n---\n", 0o100644)], "exactly one top folder"),
    ([(f"wrong-name/{n.split('/', 1)[1]}", d, m) for n, d, m in GOOD_ENTRIES], "'name'"),
    (GOOD_ENTRIES + [(f"{NAME}/.git/config", b"x", 0o100644)], "not part of a skill"),
    (GOOD_ENTRIES + [(f"{NAME}/references/.env", b"x", 0o100644)], "hidden file"),
    (GOOD_ENTRIES + [(f"{NAME}/references/pipe", b"", 0o010644)], "not a regular file"),
], ids=["no-skill-md", "two-tops", "name-mismatch", "outside-allowlist", "hidden", "fifo"])
def test_install_refuses_bad_packages(tmp_path, capsys, entries, needle):
    archive = tmp_path / "bad.zip"
    archive.write_bytes(zip_with(entries))
    target = tmp_path / "skills"
    code, out, err = run(capsys, "install", archive, "--target", target)
    assert code == 1, err
    assert needle in err
    assert not target.exists() or list(target.iterdir()) == []


def test_install_refuses_to_overwrite_a_different_install(skill, tmp_path, capsys):
    assert package(capsys, skill, tmp_path / "dist")[0] == 0
    archive = tmp_path / "dist" / f"{NAME}.zip"
    target = tmp_path / "skills"
    assert run(capsys, "install", archive, "--target", target)[0] == 0
    mine = target / NAME / "references" / "my-notes.md"
    mine.write_text("# Mine\n")
    code, out, err = run(capsys, "install", archive, "--target", target)
    assert code == 1
    assert "--force" in err
    assert mine.read_text() == "# Mine\n"
    code, out, err = run(capsys, "install", archive, "--target", target, "--force")
    assert code == 0, err
    assert not mine.exists()
    assert (target / NAME / "SKILL.md").read_text() == SKILL_MD
    assert sorted(p.name for p in target.iterdir()) == [NAME]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_install_never_writes_through_a_symlinked_destination(skill, tmp_path, capsys):
    assert package(capsys, skill, tmp_path / "dist")[0] == 0
    target = tmp_path / "skills"
    target.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, target / NAME)
    code, out, err = run(capsys, "install", tmp_path / "dist" / f"{NAME}.zip", "--target", target, "--force")
    assert code == 1
    assert list(elsewhere.iterdir()) == []


def test_install_from_folder_refuses_symlinks(skill, tmp_path, capsys):
    if not hasattr(os, "symlink"):
        pytest.skip("needs symbolic links")
    assert package(capsys, skill, tmp_path / "dist")[0] == 0
    folder = tmp_path / "dist" / NAME
    os.symlink("/etc/passwd", folder / "references" / "passwd.md")
    target = tmp_path / "skills"
    code, out, err = run(capsys, "install", folder, "--target", target)
    assert code == 1
    assert "symbolic link" in err
    assert not (target / NAME).exists()


def test_install_refuses_zip_bomb_headers(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(installing, "MAX_INSTALL_BYTES", 1000)
    archive = tmp_path / "bomb.zip"
    archive.write_bytes(zip_with(GOOD_ENTRIES + [(f"{NAME}/assets/zeros.bin", b"\x00" * 5000, 0o100644)]))
    code, out, err = run(capsys, "install", archive, "--target", tmp_path / "skills")
    assert code == 1
    assert "uncompressed" in err
