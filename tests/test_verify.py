"""--verify-imports: imports resolved in a real interpreter, routed by top-level package, and
the bundle's code never executed."""

from __future__ import annotations

import sys

from helpers import GUIDE, lint, write_skill


def test_unresolved_import_and_name_are_reported_with_file_line(tmp_path, capsys):
    block = (
        "```python\nimport json\nfrom json import loads, no_such_name\nimport no_such_module_xyz\n\n"
        "print(json, loads, no_such_name, no_such_module_xyz)\n```\n"
    )
    skill = write_skill(tmp_path, {"references/guide.md": GUIDE + block})
    exit_code, findings, _ = lint(capsys, skill, "--verify-imports", "--python", sys.executable)
    got = [(f["code"], f["line"], f["message"].split(" (")[0]) for f in findings]
    assert got == [
        ("CB014", 8, "cannot import 'no_such_name' from 'json'"),
        ("CB014", 9, "cannot import module 'no_such_module_xyz': ModuleNotFoundError: No module named 'no_such_module_xyz'"),
    ]
    assert exit_code == 1


def test_version_is_named(tmp_path, capsys):
    block = "```python\nfrom yaml import safe_load, not_in_yaml\n\nprint(safe_load, not_in_yaml)\n```\n"
    skill = write_skill(tmp_path, {"references/guide.md": GUIDE + block})
    _, findings, _ = lint(capsys, skill, "--verify-imports", "--python", sys.executable)
    import yaml

    assert len(findings) == 1 and f"PyYAML {yaml.__version__}" in findings[0]["message"]


def test_block_code_is_never_executed(tmp_path, capsys):
    marker = tmp_path / "executed"
    block = f"```python\nimport pathlib\n\npathlib.Path({str(marker)!r}).write_text('x')\n```\n"
    skill = write_skill(tmp_path, {"references/guide.md": GUIDE + block})
    exit_code, findings, _ = lint(capsys, skill, "--verify-imports", "--python", sys.executable)
    assert findings == [] and exit_code == 0
    assert not marker.exists()


def test_rendered_templates_are_verified(tmp_path, capsys):
    tpl = "{#-\ndescription: A.\nvariables:\n  mod: {description: module, example: json}\n-#}\nfrom {{ mod }} import nope\n\nprint(nope)\n"
    skill = write_skill(tmp_path, {"templates/a.py.j2": tpl, "SKILL.md": "---\nname: my-skill\ndescription: Use when asked.\n---\n[g](references/guide.md) `templates/a.py.j2`\n"})
    _, findings, _ = lint(capsys, skill, "--verify-imports", "--python", sys.executable)
    assert [(f["code"], f["path"].split("my-skill/")[1], f["line"]) for f in findings] == [("CB014", "templates/a.py.j2", 6)]


def test_titled_block_provides_a_module_to_other_blocks(tmp_path, capsys):
    blocks = (
        '```python title="plugins/my_notifier.py"\ndef notify():\n    """Send."""\n```\n\n'
        "```python\nfrom my_notifier import notify\nfrom other_missing import thing\n\nprint(notify, thing)\n```\n"
    )
    skill = write_skill(tmp_path, {"references/guide.md": GUIDE + blocks})
    _, findings, _ = lint(capsys, skill, "--verify-imports", "--python", sys.executable)
    assert [(f["code"], f["line"]) for f in findings] == [("CB014", 13)]
    assert "other_missing" in findings[0]["message"]
