"""Every rule: a failing example (the code, at the right file and line) and a passing one
(no finding at all)."""

from __future__ import annotations

import pytest

from skill_tools.rules import all_rules

from helpers import GUIDE, SKILL_MD, lint, write_skill

FM = "---\nname: my-skill\ndescription: Builds widgets. Use when the user asks for a widget.\n{extra}---\n# My skill\n\nRead [the guide](references/guide.md).\n"


def fm(extra: str) -> dict:
    return {"SKILL.md": FM.format(extra=extra)}


def ref(body: str) -> dict:
    return {"references/guide.md": "# Guide\n\n" + body}


LONG_BODY = "".join(f"Line {i}.\n\n" for i in range(60))

# code: (bad files, path, line, good files)
CASES = {
    "FM001": ({"SKILL.md": "# My skill\n\nRead [the guide](references/guide.md).\n"}, "SKILL.md", 1, {}),
    "FM002": ({"SKILL.md": "---\nname: my-skill\n# My skill\n"}, "SKILL.md", 1, {}),
    "FM003": ({"SKILL.md": "---\nname: my-skill\ndescription: Use when: widgets\n---\n[g](references/guide.md)\n"}, "SKILL.md", 3,
              {"SKILL.md": "---\nname: my-skill\ndescription: \"Use when: the user asks for widgets\"\n---\n[g](references/guide.md)\n"}),
    "FM004": ({"SKILL.md": "---\n- name: my-skill\n---\n[g](references/guide.md)\n"}, "SKILL.md", 2, {}),
    "FM005": (fm("name: my-skill\n"), "SKILL.md", 4, {}),
    "FM006": (fm("version: 1.0\n"), "SKILL.md", 4, fm("metadata:\n  version: \"1.0\"\n")),
    "FM010": ({"SKILL.md": "---\ndescription: Builds widgets. Use when asked.\n---\n[g](references/guide.md)\n"}, "SKILL.md", 1, {}),
    "FM011": ({"SKILL.md": SKILL_MD.replace("name: my-skill", "name: My_Skill")}, "SKILL.md", 2, {}),
    "FM012": ({"SKILL.md": SKILL_MD.replace("name: my-skill", "name: claude-skill")}, "SKILL.md", 2, {}),
    "FM013": ({"SKILL.md": SKILL_MD.replace("name: my-skill", "name: other-skill")}, "SKILL.md", 2, {}),
    "FM020": ({"SKILL.md": "---\nname: my-skill\ndescription:\n---\n[g](references/guide.md)\n"}, "SKILL.md", 3, {}),
    "FM021": ({"SKILL.md": "---\nname: my-skill\ndescription: Use when asked. " + "x" * 1100 + "\n---\n[g](references/guide.md)\n"},
              "SKILL.md", 3, {"SKILL.md": "---\nname: my-skill\ndescription: Use when asked. " + "x" * 1000 + "\n---\n[g](references/guide.md)\n"}),
    "FM022": ({"SKILL.md": "---\nname: my-skill\ndescription: Use when the user sends <b>widgets</b>.\n---\n[g](references/guide.md)\n"}, "SKILL.md", 3, {}),
    "FM023": ({"SKILL.md": "---\nname: my-skill\ndescription: Builds widgets.\n---\n[g](references/guide.md)\n"}, "SKILL.md", 3, {}),
    "FM030": (fm("allowed-tools: [Read, Bash]\n"), "SKILL.md", 4, fm("allowed-tools: Read Bash\nlicense: MIT\nmetadata:\n  owner: data-team\n")),
    "FM031": (fm("compatibility: " + "y" * 501 + "\n"), "SKILL.md", 4, fm("compatibility: Python 3.10+\n")),
    "FM040": (fm("license: yes\n"), "SKILL.md", 4, fm("license: \"yes\"\n")),
    "FM040/1.2": (fm("license: 0o755\n"), "SKILL.md", 4, fm("license: \"0o755\"\n")),
    "FM040/comment": (fm("compatibility: Python 3.10 # and newer\n"), "SKILL.md", 4, fm("compatibility: \"Python 3.10 # and newer\"\n")),
    "LK001": ({"SKILL.md": SKILL_MD + "\nSee [x](references/missing.md).\n"}, "SKILL.md", 9, {}),
    "LK002": (ref("See [usage](#usag).\n\n## Usage\n"), "references/guide.md", 3, ref("See [usage](#usage).\n\n## Usage\n")),
    "LK003": ({"SKILL.md": SKILL_MD + "\nSee [notes](../notes.md) and [tests](tests).\n", "tests/x.py": "x = 1\n"}, "SKILL.md", 9,
              {"SKILL.md": SKILL_MD + "\nSee [readme](README.md).\n", "README.md": "# R\n\nBack to [the skill](SKILL.md).\n"}),
    "LK004": ({"SKILL.md": SKILL_MD + "\nSee [x](/etc/passwd).\n"}, "SKILL.md", 9, {}),
    "LK005": ({"SKILL.md": SKILL_MD + "\nSee [x](references\\guide.md).\n"}, "SKILL.md", 9, {}),
    "LK010": ({"references/orphan.md": "# Orphan\n"}, "references/orphan.md", 1, {}),
    "LK011": ({"references/deep.md": "# Deep\n", "references/guide.md": GUIDE + "\nSee [deep](deep.md).\n"}, "references/deep.md", 1,
              {"references/deep.md": "# Deep\n", "SKILL.md": SKILL_MD + "\nAnd [deep](references/deep.md).\n"}),
    "LK012": ({"SKILL.md": SKILL_MD + "\nRead `references/nope.md`.\n"}, "SKILL.md", 9,
              {"SKILL.md": SKILL_MD + "\nRead `references/guide.md`, then edit `src/my_app/x.py` and `references/`.\n"}),
    "LK013": ({"SKILL.md": SKILL_MD + "\nThen read GUIDE.md.\n"}, "SKILL.md", 9,
              {"SKILL.md": SKILL_MD + "\nThen read references/guide.md.\n"}),
    "CB001": (ref("```\nls\n```\n"), "references/guide.md", 3, ref("```bash\nls\n```\n")),
    "CB002": (ref("- Install:\n  ```bash\n  uv tool install x\n# note\n  ```\n\n```python\nprint(1)\n```\n"), "references/guide.md", 4,
              ref("- Install:\n  ```bash\n  uv tool install x\n  # note\n  ```\n\n```python\nprint(1)\n```\n")),
    "CB010": (ref("```python\ndef f():\nreturn 1\n```\n"), "references/guide.md", 5, ref("```python\ndef f():\n    return 1\n```\n")),
    "CB010/compile": (ref("```python\nfor x in []:\n    pass\nbreak\n```\n"), "references/guide.md", 6,
                      ref("```python\nfor x in []:\n    break\n```\n")),
    "CB011": (ref("```python\ntotal = len(orders)\nprint(total)\n```\n"), "references/guide.md", 4,
              ref("```python\norders = []\nprint(orders)\n```\n")),
    "CB012": (ref("```python\nimport os\n\nprint(1)\n```\n"), "references/guide.md", 4, ref("```python\nimport os\n\nprint(os.sep)\n```\n")),
    "CB013": (ref("```python\nfrom airflow.decorators import dag\n\nprint(dag)\n```\n"), "references/guide.md", 4,
              ref("```python\nfrom airflow.sdk import dag\n\nprint(dag)\n```\n")),
    "CB020": (ref("```yaml\njobs: [a, b\n```\n"), "references/guide.md", 4, ref("```yaml\njobs: [a, b]\n```\n")),
    "CB021": (ref("```json\n{\"a\": 1,}\n```\n"), "references/guide.md", 4, ref("```json\n{\"a\": 1}\n```\n")),
    "CB022": (ref("```toml\n[tool\n```\n"), "references/guide.md", 4, ref("```toml\n[tool]\n```\n")),
    "CB023": (ref("```bash\nif true; then\n  echo x\n```\n"), "references/guide.md", 5, ref("```bash\nif true; then\n  echo x\nfi\n```\n")),
    "CB030": (ref("```bash\nexport AIRFLOW_CONN_DB='postgres://etl:hunter22@db/prod'\n```\n"), "references/guide.md", 4,
              ref("```bash\nexport AIRFLOW_CONN_DB='postgres://etl:${DB_PASSWORD}@db/prod'\n```\n")),
    "ST001": ({"SKILL.md": SKILL_MD + "x\n" * 600}, "SKILL.md", 505, {}),
    "ST002": ({"SKILL.md": SKILL_MD + ("word " * 20 + "\n") * 250}, "SKILL.md", 5, {}),
    "ST003": ({"references/guide.md": "# Guide\n\n" + LONG_BODY + "## Usage\n\nRun.\n"}, "references/guide.md", 123,
              {"references/guide.md": "# Guide\n\n- [Usage](#usage)\n\n" + LONG_BODY + "## Usage\n\nRun.\n"}),
    "ST004": (ref("### Deep\n"), "references/guide.md", 3, ref("## Shallow\n")),
    "TP001": ({"templates/a.py.j2": "{#-\ndescription: A.\nvariables: {}\n-#}\n{% if x %}\n", "SKILL.md": SKILL_MD + "\nUse `templates/a.py.j2`.\n"},
              "templates/a.py.j2", 5, {}),
    "TP002": ({"templates/a.py.j2": "{#-\ndescription: A.\nvariables: {}\n-#}\nx = {{ ''.__class__.__mro__ }}\n",
               "SKILL.md": SKILL_MD + "\nUse `templates/a.py.j2`.\n"}, "templates/a.py.j2", 1,
              {"templates/a.py.j2": "{#-\ndescription: A.\nvariables:\n  n: {description: a number, example: 3}\n-#}\nx = {{ n }}\nprint(x)\n",
               "SKILL.md": SKILL_MD + "\nUse `templates/a.py.j2`.\n"}),
    "TP003": ({"templates/a.py.j2": "{#-\ndescription: A.\nvariables:\n  n: {description: name, example: f}\n-#}\ndef {{ n }}(:\n    pass\n",
               "SKILL.md": SKILL_MD + "\nUse `templates/a.py.j2`.\n"}, "templates/a.py.j2", 6, {}),
    "TP004": ({"templates/a.py.j2": "x = {{ n }}\nprint(x)\n", "SKILL.md": SKILL_MD + "\nUse `templates/a.py.j2`.\n"}, "templates/a.py.j2", 1, {}),
    "IO001": (ref("caf\xe9\n".encode("latin-1").decode("latin-1")), "references/guide.md", 3, {}),
    "IO002": ({"references/guide.md": b"# Guide\x00\x01\x02"}, "references/guide.md", 1, {}),
    "SL001": (ref("<!-- skill-lint-disable-next-line LK001 -- not needed -->\nText.\n"), "references/guide.md", 3, {}),
    "SL002": (ref("<!-- skill-lint-disable-next-line CB001 -->\n```\nls\n```\n"), "references/guide.md", 3,
              ref("<!-- skill-lint-disable-next-line CB001 -- shows raw output -->\n```\nls\n```\n")),
}
# IO001 needs real Latin-1 bytes
CASES["IO001"] = ({"references/guide.md": "# Guide\n\nCaf\xe9 au lait.\n".encode("latin-1")}, "references/guide.md", 3, {})
# IO003 is tested in test_cli (symbolic links need the file system)
NOT_HERE = {"IO003", "IO004", "CB014"}  # file system: test_cli, test_hostile  # CB014: tests/test_verify.py


def test_every_rule_has_a_case():
    assert set(all_rules()) - NOT_HERE == {c.split("/")[0] for c in CASES}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails_on_bad_example(tmp_path, capsys, code):
    bad, path, line, _ = CASES[code]
    skill = write_skill(tmp_path, bad)
    _, findings, _ = lint(capsys, skill)
    code = code.split("/")[0]
    hits = [f for f in findings if f["code"] == code]
    assert hits, f"{code} not reported; got {[(f['code'], f['message']) for f in findings]}"
    assert any(f["path"].endswith(f"my-skill/{path}") and f["line"] == line for f in hits), hits


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_passes_on_good_example(tmp_path, capsys, code):
    _, _, _, good = CASES[code]
    skill = write_skill(tmp_path, good)
    exit_code, findings, _ = lint(capsys, skill)
    assert findings == [] and exit_code == 0, findings


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_every_rule_is_explained(capsys, code):
    from skill_tools.cli import main

    assert main(["--explain", code]) == 0
    out = capsys.readouterr().out
    rule = all_rules()[code]
    assert out.startswith(f"{code} {rule.name}")
    assert "Bad:" in out and "Good:" in out
    assert len(rule.explain()) > 40


LEGACY = {
    "from airflow.decorators import dag\n\nprint(dag)\n": "airflow.sdk",
    "from airflow.operators.bash import BashOperator\n\nprint(BashOperator)\n": "providers",
    "from airflow.models import DAG\n\nprint(DAG)\n": "airflow.sdk import DAG",
    "import airflow.models\n\nprint(airflow.models.DAG)\n": "airflow.sdk import DAG",
    "from airflow.datasets import Dataset\n\nprint(Dataset)\n": "Asset",
    "def f(**kw):\n    return kw\n\n\nf(schedule_interval='@daily')\n": "schedule=",
    "def f(ctx):\n    return ctx['execution_date']\n": "logical_date",
    "from airflow.providers.snowflake.operators.snowflake import SnowflakeOperator\n\nprint(SnowflakeOperator)\n": "SQLExecuteQueryOperator",
    "from dagster import AutoMaterializePolicy\n\nprint(AutoMaterializePolicy)\n": "AutomationCondition",
    "from dagster import LegacyFreshnessPolicy\n\nprint(LegacyFreshnessPolicy)\n": "time_window",
    "import dagster as dg\n\ndg.FreshnessPolicy(maximum_lag_minutes=60)\n": "time_window",
    "from dagster_dbt import load_assets_from_dbt_project\n\nprint(load_assets_from_dbt_project)\n": "DbtProject",
    "from dagster_embedded_elt.dlt import dlt_assets\n\nprint(dlt_assets)\n": "dagster_dlt",
    "import dagster as dg\n\nprint(dg.SourceAsset)\n": "AssetSpec",
    "import dagster as dg\n\n\n@dg.asset(compute_kind='python')\ndef a():\n    return 1\n": "kinds=",
    "from prefect.deployments import Deployment\n\nDeployment.build_from_flow(flow=None, name='x')\n": "deploy",
}


@pytest.mark.parametrize("source", sorted(LEGACY), ids=lambda s: s.split("\n")[0][:40])
def test_each_required_deprecation_is_reported_with_its_replacement(tmp_path, capsys, source):
    skill = write_skill(tmp_path, ref("```python\n" + source + "```\n"))
    _, findings, _ = lint(capsys, skill)
    hits = [f for f in findings if f["code"] == "CB013"]
    assert hits, findings
    assert LEGACY[source] in hits[0]["message"]
    assert [f for f in findings if f["code"] != "CB013"] == []


def test_template_secret_is_reported_once(tmp_path, capsys):
    head = "{#-\ndescription: A.\nvariables:\n  pw: {description: p, example: hunter22x}\n-#}\n"
    skill_md = SKILL_MD + "\nUse `templates/a.py.j2` and `templates/b.py.j2`.\n"
    skill = write_skill(tmp_path, {"SKILL.md": skill_md,
                                   "templates/a.py.j2": head + 'password = "{{ pw }}"\nprint(password)\n',
                                   "templates/b.py.j2": head + 'password = "hunter22x"\nprint(password, "{{ pw }}")\n'})
    _, findings, _ = lint(capsys, skill)
    got = [(f["path"].split("my-skill/")[1], f["code"]) for f in findings]
    assert got == [("templates/a.py.j2", "TP003"), ("templates/b.py.j2", "CB030")]
