"""The command line: JSON contract, formats, exit codes, options, config, suppressions,
discovery, and a bundle with every defect against a tricky clean one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from skill_tools import __version__, engine
from skill_tools.cli import main

from helpers import GUIDE, SKILL_MD, codes, lint, write_skill

DEFECTS_SKILL = """\
---
name: broken-skill
description: Builds widgets. Use when the user asks for widgets.
version: 2
---
# Broken

Read [guide](references/guide.md) and [missing](references/nope.md).
Jump to [nowhere](references/guide.md#no-such-section).
See [readme](../README.md) and [abs](/etc/hosts).

```
untyped fence
```

```python
from airflow.decorators import dag
import os

print(dag, orders)
```

#### Too deep
"""
DEFECTS_GUIDE = """\
# Guide

## Usage

```yaml
a: [1, 2
```

```bash
export AIRFLOW_CONN_DB='postgres://etl:hunter22@db/prod'
```

See `references/missing.md`.
"""
EXPECTED_DEFECTS = {
    ("SKILL.md", 4, "FM006"),
    ("SKILL.md", 8, "LK001"),
    ("SKILL.md", 9, "LK002"),
    ("SKILL.md", 10, "LK003"),
    ("SKILL.md", 10, "LK004"),
    ("SKILL.md", 12, "CB001"),
    ("SKILL.md", 17, "CB013"),
    ("SKILL.md", 18, "CB012"),
    ("SKILL.md", 20, "CB011"),
    ("SKILL.md", 23, "ST004"),
    ("references/guide.md", 6, "CB020"),
    ("references/guide.md", 10, "CB030"),
    ("references/guide.md", 13, "LK012"),
    ("references/orphan.md", 1, "LK010"),
}

TRICKY_SKILL = """\
---
name: tricky-skill
description: >
  Builds widgets safely. Use when the user asks for widgets,
  gadgets or gizmos.
license: Apache-2.0
metadata:
  owner: data-team
  version: "1.0"
---
# Tricky

- [Setup & install](references/guide.md#setup--install)
- [Second usage](references/guide.md#usage-1)
- [Inline code](references/guide.md#dg-dev-locally)
- [Anchor](references/guide.md#custom-anchor)
- [Unicode](references/guide.md#café-crème)

```markdown
[not a link](references/nothing-here.md)
```

Inline `[not a link](nowhere.md)` is not a link either.

```bash
export AIRFLOW_CONN_WAREHOUSE='postgres://etl:${DB_PASSWORD}@db:5432/analytics'
export SNOWFLAKE_PASSWORD='<password>'
```

```python
import os

import dagster as dg

password = os.environ["DB_PASSWORD"]
token = dg.EnvVar("API_TOKEN")


def fetch_orders() -> list:
    \"\"\"Your extraction code goes here.\"\"\"
    return []


print(password, token, fetch_orders())
```

```python fragment
context.log.info("fragments may use names defined elsewhere")
```
"""


def tricky_guide() -> str:
    sections = ["Setup & install", "Usage", "Usage", "`dg dev` locally", "Café crème"]
    lines = ["# Guide", "", "## Contents", ""]
    lines += ["- [Setup & install](#setup--install)", "- [Usage](#usage)", "- [Usage again](#usage-1)",
              "- [dg dev](#dg-dev-locally)", "- [Café](#café-crème)", ""]
    for title in sections:
        lines += [f"## {title}", ""] + [f"Line {i} of {title}." for i in range(25)] + [""]
    lines += ['<a id="custom-anchor"></a>', "", "Back to [top](#guide).", ""]
    return "\n".join(lines)


def test_bundle_with_every_defect_gets_exactly_the_expected_codes(tmp_path, capsys):
    skill = write_skill(tmp_path, {"SKILL.md": DEFECTS_SKILL, "references/guide.md": DEFECTS_GUIDE,
                                   "references/orphan.md": "# Orphan\n"}, name="broken-skill")
    exit_code, findings, _ = lint(capsys, skill)
    got = {(f["path"].split("broken-skill/")[1], f["line"], f["code"]) for f in findings}
    assert got == EXPECTED_DEFECTS
    assert exit_code == 1


def test_tricky_clean_bundle_gets_nothing(tmp_path, capsys):
    guide = tricky_guide()
    assert len(guide.splitlines()) > 100  # long enough to need its table of contents
    skill = write_skill(tmp_path, {"SKILL.md": TRICKY_SKILL, "references/guide.md": guide}, name="tricky-skill")
    exit_code, findings, doc = lint(capsys, skill, "--strict")
    assert findings == [] and exit_code == 0


def test_json_contract(tmp_path, capsys, monkeypatch):
    write_skill(tmp_path, {"references/guide.md": GUIDE + "\n[x](#nope)\n"})
    monkeypatch.chdir(tmp_path)
    exit_code, findings, doc = lint(capsys, "my-skill")
    assert set(doc) == {"version", "tool", "files_checked", "findings", "summary"}
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "skill-lint", "version": __version__}
    assert doc["files_checked"] == 2
    assert doc["summary"] == {"errors": 1, "warnings": 0}
    assert findings == [{"path": "my-skill/references/guide.md", "line": 7, "column": 5, "code": "LK002",
                         "rule": "anchor-missing", "severity": "error",
                         "message": "anchor '#nope' does not exist in this file"}]
    assert exit_code == 1


def test_findings_sorted_by_path_line_code(tmp_path, capsys):
    skill = write_skill(tmp_path, {"SKILL.md": DEFECTS_SKILL, "references/guide.md": DEFECTS_GUIDE,
                                   "references/orphan.md": "# Orphan\n"}, name="broken-skill")
    _, findings, _ = lint(capsys, skill)
    keys = [(f["path"], f["line"], f["code"]) for f in findings]
    assert keys == sorted(keys)


def _defects(tmp_path):
    return write_skill(tmp_path, {"SKILL.md": DEFECTS_SKILL, "references/guide.md": DEFECTS_GUIDE,
                                  "references/orphan.md": "# Orphan\n"}, name="broken-skill")


def test_every_format_carries_the_same_findings(tmp_path, capsys):
    skill = _defects(tmp_path)
    _, findings, _ = lint(capsys, skill)
    want = [(f["path"], f["line"], f["column"], f["code"]) for f in findings]

    assert main(["--no-cache", "--format", "text", str(skill)]) == 1
    text = capsys.readouterr().out.splitlines()
    got = []
    for line in text[:-1]:
        loc, rest = line.split(": ", 1)
        path, ln, col = loc.rsplit(":", 2)
        got.append((path, int(ln), int(col), rest.split()[0]))
    assert got == want
    assert text[-1].startswith("Found ")

    assert main(["--no-cache", "--format", "github", str(skill)]) == 1
    gh = capsys.readouterr().out.splitlines()
    assert len(gh) == len(want)
    for line, (path, ln, col, code) in zip(gh, want):
        assert line.startswith(f"::error file={path},line={ln},col={col},title={code} ")

    assert main(["--no-cache", "--format", "sarif", str(skill)]) == 1
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    got = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"], r["ruleId"]) for r in results]
    assert got == want
    rule_ids = [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]]
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in results)


def test_sarif_uris_are_percent_encoded(tmp_path, capsys, monkeypatch):
    skill = write_skill(tmp_path, {"references/orphan #1.md": "# Orphan\n"}, name="my skill")
    monkeypatch.chdir(tmp_path)
    assert main(["--no-cache", "--format", "sarif", "--select", "LK010", "my skill"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]]
    assert uris == ["my%20skill/references/orphan%20%231.md"]


def test_select_and_ignore_take_prefixes(tmp_path, capsys):
    skill = _defects(tmp_path)
    _, findings, _ = lint(capsys, skill, "--select", "LK0")
    assert codes(findings) == ["LK001", "LK002", "LK003", "LK004", "LK010", "LK012"]
    _, findings, _ = lint(capsys, skill, "--ignore", "LK,CB0")
    assert codes(findings) == ["FM006", "ST004"]


def test_strict_makes_warnings_fail(tmp_path, capsys):
    skill = write_skill(tmp_path, {"SKILL.md": SKILL_MD.replace("Use when the user asks for a widget.", "Nice.")})
    exit_code, findings, _ = lint(capsys, skill)
    assert codes(findings) == ["FM023"] and exit_code == 0
    exit_code, _, _ = lint(capsys, skill, "--strict")
    assert exit_code == 1


def test_profile_claude_code_accepts_extension_fields(tmp_path, capsys):
    skill = write_skill(tmp_path, {"SKILL.md": SKILL_MD.replace("---\n#", "model: sonnet\n---\n#")})
    exit_code, findings, _ = lint(capsys, skill)
    assert [(f["code"], f["severity"]) for f in findings] == [("FM006", "error")] and exit_code == 1
    exit_code, findings, _ = lint(capsys, skill, "--profile", "claude-code")
    assert findings == [] and exit_code == 0


def test_pyproject_config(tmp_path, capsys, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.skill-lint]\nignore = ["CB012"]\nplaceholders = ["fetch_orders"]\n'
        'per-file-ignores = {"*/references/*.md" = ["CB001"]}\n'
        '[[tool.skill-lint.deprecations]]\nkind = "name"\npattern = "OldThing"\nreplacement = "NewThing"\n'
        '[tool.skill-lint.budgets]\nbody-lines = 10\n'
    )
    skill = write_skill(tmp_path, {
        "references/guide.md": GUIDE + "\n```\nraw\n```\n\n```python\nimport os\nfrom lib import OldThing\n\nprint(fetch_orders(), OldThing)\n```\n",
        "SKILL.md": SKILL_MD + "line\n" * 12,
    })
    monkeypatch.chdir(tmp_path)
    _, findings, _ = lint(capsys, skill)
    assert [(f["code"], f["line"]) for f in findings] == [("ST001", 15), ("CB013", 13)]
    assert "use NewThing" in findings[1]["message"]


def test_bad_config_is_a_usage_error(tmp_path, capsys, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.skill-lint]\nselekt = ["FM"]\n')
    write_skill(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["--no-cache", "."]) == 2
    err = capsys.readouterr().err
    assert "unknown [tool.skill-lint] key(s): selekt" in err and "Traceback" not in err


@pytest.mark.parametrize("line, says", [
    ('preamble = ["import dagster as"]', "'preamble' line 'import dagster as' is not valid Python"),
    ('preamble = [1]', "'preamble' must be a list of Python lines"),
    ('target-version = "three"', "'target-version' must look like"),
    ('target-version = "2.7"', "not a Python 3 version"),
])
def test_bad_preamble_or_target_is_a_usage_error(tmp_path, capsys, monkeypatch, line, says):
    (tmp_path / "pyproject.toml").write_text(f"[tool.skill-lint]\n{line}\n")
    write_skill(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["--no-cache", "."]) == 2
    err = capsys.readouterr().err
    assert says in err and "pyproject.toml" in err and "Traceback" not in err


def test_preamble_names_are_defined_in_every_block(tmp_path, capsys, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.skill-lint]\npreamble = ["import dagster as dg"]\n')
    block = "```python\n@dg.asset\ndef orders() -> None:\n    print(pd)\n```\n"
    skill = write_skill(tmp_path, {"references/guide.md": GUIDE + "\n" + block})
    monkeypatch.chdir(tmp_path)
    _, findings, _ = lint(capsys, skill)
    assert [f["message"] for f in findings if f["code"] == "CB011"] == ["undefined name 'pd'"]


def test_a_single_file_skill_lint_does_not_read_says_so(tmp_path, capsys):
    skill = write_skill(tmp_path, {"NOTES.md": "# Notes\n\n```\nno language\n```\n"})
    assert main(["--no-cache", str(skill / "NOTES.md")]) == 2
    out, err = capsys.readouterr()
    assert "All checks passed" not in out and "NOTES.md: not checked" in err
    assert main(["--no-cache", str(skill / "references" / "guide.md")]) == 0
    assert "not checked" not in capsys.readouterr().err


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["--no-cache", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["--format", "xml"])
    assert exc.value.code == 2
    assert main(["--explain", "XX999"]) == 2


def test_suppression_comments(tmp_path, capsys):
    guide = GUIDE + (
        "\n<!-- skill-lint-disable-next-line CB001 -- raw output -->\n```\nraw\n```\n"
        "\n<!-- skill-lint-disable CB013 -- migration table -->\n"
        "```python\nfrom airflow.decorators import dag\n\nprint(dag)\n```\n"
        "<!-- skill-lint-enable CB013 -->\n"
        "\n```python\nfrom airflow.decorators import task\n\nprint(task)\n```\n"
        "\n<!-- skill-lint-disable-next-line LK002 -- stale -->\nNothing here.\n"
    )
    skill = write_skill(tmp_path, {"references/guide.md": guide})
    _, findings, _ = lint(capsys, skill)
    assert [(f["code"], f["line"]) for f in findings] == [("CB013", 21), ("SL001", 26)]


def test_disable_file(tmp_path, capsys):
    skill = write_skill(tmp_path, {"references/guide.md": "<!-- skill-lint-disable-file CB001 -- raw -->\n" + GUIDE + "```\nx\n```\n"})
    _, findings, _ = lint(capsys, skill)
    assert findings == []


def test_statistics_and_version(tmp_path, capsys):
    skill = write_skill(tmp_path, {"references/guide.md": GUIDE + "```python\nx = 1\n```\n\n```python fragment\nprint(y)\n```\n"})
    assert main(["--no-cache", "--statistics", str(skill)]) == 0
    out = capsys.readouterr().out
    assert "2 Python (1 fragments)" in out
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"skill-lint {__version__}"


def test_list_rules(capsys):
    assert main(["--list-rules"]) == 0
    out = capsys.readouterr().out
    for code in ("FM001", "LK002", "CB013", "TP004", "ST003"):
        assert code in out


def test_discovers_skills_and_skips_noise(tmp_path, capsys, monkeypatch):
    write_skill(tmp_path / "skills", name="one")
    write_skill(tmp_path / "skills", name="two")
    write_skill(tmp_path / ".hidden", {"SKILL.md": "broken"}, name="three")
    write_skill(tmp_path / "node_modules", {"SKILL.md": "broken"}, name="four")
    write_skill(tmp_path / "ignored", {"SKILL.md": "broken"}, name="five")
    write_skill(tmp_path / "fixtures", {"SKILL.md": "broken"}, name="six")
    venv = tmp_path / "venv-x"
    write_skill(venv, {"SKILL.md": "broken"}, name="seven")
    (venv / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / ".gitignore").write_text("ignored/\n")
    (tmp_path / "pyproject.toml").write_text('[tool.skill-lint]\nexclude = ["fixtures/"]\n')
    monkeypatch.chdir(tmp_path)
    exit_code, findings, doc = lint(capsys)
    assert findings == [] and exit_code == 0
    assert doc["files_checked"] == 4


def test_single_file_reports_only_that_file(tmp_path, capsys):
    skill = _defects(tmp_path)
    _, findings, _ = lint(capsys, skill / "references" / "guide.md")
    assert {f["path"].split("broken-skill/")[1] for f in findings} == {"references/guide.md"}
    assert codes(findings) == ["CB020", "CB030", "LK012"]


def test_symlink_leaving_the_skill_is_reported_not_followed(tmp_path, capsys):
    outside = tmp_path / "secret.md"
    outside.write_text("# Secret\n\n```\nno language\n```\n")
    skill = write_skill(tmp_path)
    (skill / "references" / "link.md").symlink_to(outside)
    (skill / "references" / "loop.md").symlink_to(skill / "references" / "loop.md")
    _, findings, _ = lint(capsys, skill)
    got = sorted((f["path"].split("my-skill/")[1], f["code"]) for f in findings)
    assert got == [("references/link.md", "IO003"), ("references/loop.md", "IO003")]


def test_output_identical_with_and_without_cache_serial_and_parallel(tmp_path, capsys, monkeypatch):
    for i in range(30):
        _defects(tmp_path / f"s{i}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(engine, "PARALLEL_MIN_BYTES", 1)  # small files: force the pool
    pools = []
    preload = engine._preload
    monkeypatch.setattr(engine, "_preload", lambda: pools.append(1) or preload())
    cache = tmp_path / "cache"
    runs = []
    for args in (["--no-cache", "-j", "1"], ["--no-cache", "-j", "2"], ["--cache-dir", str(cache), "-j", "2"],
                 ["--cache-dir", str(cache), "-j", "1"]):
        main(["--format", "json", *args, "."])
        runs.append(capsys.readouterr().out)
    assert len(json.loads(runs[0])["findings"]) == 30 * len(EXPECTED_DEFECTS)
    assert all(r == runs[0] for r in runs)
    assert any(cache.rglob("*.json"))
    assert len(pools) == 2  # the two -j 2 runs used a process pool


def test_cache_is_invalidated_by_content_and_config(tmp_path, capsys, monkeypatch):
    skill = write_skill(tmp_path)
    monkeypatch.chdir(tmp_path)
    args = ["--format", "json", "--cache-dir", str(tmp_path / "c"), str(skill)]
    assert main(args) == 0
    capsys.readouterr()
    (skill / "references" / "guide.md").write_text(GUIDE + "\n```\nx\n```\n")
    assert main(args) == 1
    assert codes(json.loads(capsys.readouterr().out)["findings"]) == ["CB001"]
    assert main(args + ["--ignore", "CB001"]) == 0


def test_entry_point_runs_without_traceback(tmp_path):
    skill = write_skill(tmp_path, {"references/guide.md": b"\xff\xfe\x00garbage"})
    proc = subprocess.run([sys.executable, "-m", "skill_tools.cli", "--no-cache", str(skill)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "IO002" in proc.stdout


def test_name_mismatch_exempt_at_git_root(tmp_path, capsys):
    skill = write_skill(tmp_path, {"SKILL.md": SKILL_MD.replace("name: my-skill", "name: other-name")})
    _, findings, _ = lint(capsys, skill)
    assert codes(findings) == ["FM013"]
    (skill / ".git").mkdir()
    _, findings, _ = lint(capsys, skill)
    assert findings == []


def test_url_encoded_placeholder_password_is_not_a_secret(tmp_path, capsys):
    block = "```bash\nexport AIRFLOW_CONN_X='snowflake://svc:%3Cpassword%3E@/DB?account=x'\nexport AIRFLOW_CONN_Y='snowflake://svc:s3cr%3Et@/DB'\n```\n"
    skill = write_skill(tmp_path, {"references/guide.md": GUIDE + block})
    _, findings, _ = lint(capsys, skill)
    assert [(f["code"], f["line"]) for f in findings] == [("CB030", 8)]


def test_readme_rule_table_matches_the_rules():
    sys.path.insert(0, str(Path(__file__).parent.parent / "tools"))
    from rule_table import table

    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    assert table() in readme, "README rule table is stale: run python tools/rule_table.py --write"


def test_scripts_reach_files_by_import_module_run_and_name(tmp_path, capsys):
    skill = write_skill(tmp_path, {
        "SKILL.md": SKILL_MD + "\nRun `python -m scripts.main` and see [editing](editing.md).\n",
        "editing.md": "# Editing\n\nSee [missing](nope.md).\n",
        "scripts/__init__.py": "",
        "scripts/main.py": "from pathlib import Path\n\nfrom scripts.lib import helper\n\nprint(helper, Path(__file__).parent / 'schemas')\n",
        "scripts/lib.py": "helper = 1\n",
        "scripts/schemas/a.xsd": "<x/>\n",
        "scripts/run.sh": "tar xzf \"$(dirname \"$0\")/data.tar.gz\"\n",
        "scripts/data.tar.gz": b"\x1f\x8b\x08\x00",
        "scripts/orphan.py": "x = 1\n",
    })
    _, findings, _ = lint(capsys, skill)
    got = sorted((f["path"].split("my-skill/")[1], f["code"]) for f in findings)
    # run.sh itself is named by nothing; editing.md is linked, so it is checked too
    assert got == [("editing.md", "LK001"), ("scripts/orphan.py", "LK010"), ("scripts/run.sh", "LK010")]


def test_batches_give_the_same_output(tmp_path, capsys, monkeypatch):
    for i in range(12):
        _defects(tmp_path / f"s{i}")
    monkeypatch.chdir(tmp_path)
    main(["--format", "json", "--no-cache", "."])
    whole = capsys.readouterr().out
    import skill_tools.engine as engine

    monkeypatch.setattr(engine, "BATCH_FILES", 7)
    main(["--format", "json", "--no-cache", "."])
    assert capsys.readouterr().out == whole
    assert json.loads(whole)["files_checked"] == 12 * 3


def test_a_changed_selection_changes_the_rules_run(tmp_path):
    """The per-file rule list is cached by selection, not by config object."""
    from skill_tools.config import Config

    config = Config(select=("LK",))
    data = b"# T\n\n[a](missing.md)\n\n```\nno language\n```\n"
    first = {code for code, _ in engine.check_file("references/guide.md", data, "my-skill", config).hits}
    config.select = ("ALL",)
    second = {code for code, _ in engine.check_file("references/guide.md", data, "my-skill", config).hits}
    config.ignore = ("CB001",)
    third = {code for code, _ in engine.check_file("references/guide.md", data, "my-skill", config).hits}
    assert "CB001" not in first and "CB001" in second and "CB001" not in third
