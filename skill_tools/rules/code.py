"""Code blocks (CB): every fenced block is valid in its language, names what it uses, and
teaches no removed API and no secret. The first word of the info string is the language;
the rest are options (`python title="x.py"`, `python fragment`, `python continues`).
Nothing is executed: Python is compiled and read by pyflakes, shell goes to `bash -n`.
"""

from __future__ import annotations

from .. import analysis
from ..document import JSON, PYTHON, SHELL, TOML, YAML
from ..model import Hit
from ..secrets import find_secrets
from . import Rule, register


def python_units(doc, ctx):
    """The document's Python units, built once and shared by every CB rule."""
    cache = doc.__dict__.setdefault("_units", {})
    if "python" not in cache:
        if doc.kind == PYTHON:
            lines = list(range(1, max(1, doc.line_count) + 1))
            cache["python"] = [analysis.CodeUnit("python", doc.text, lines, placeholders=ctx.placeholders)]
        else:
            cache["python"] = analysis.python_units(doc.fences, ctx.placeholders)
    return cache["python"]


def fence_units(doc, langs, kind):
    cache = doc.__dict__.setdefault("_units", {})
    key = kind
    if key not in cache:
        if doc.kind == kind:
            cache[key] = [analysis.CodeUnit(kind, doc.text, list(range(1, max(1, doc.line_count) + 1)))]
        else:
            cache[key] = [analysis.fence_unit(f) for f in doc.fences if f.lang in langs]
    return cache[key]


class CodeRule(Rule):
    kinds = ("markdown", "python")

    def check(self, doc, ctx):
        for unit in python_units(doc, ctx):
            for line, col, msg in self.problems(unit, ctx):
                yield Hit(line, col, msg)


@register
class FenceNoLanguage(Rule):
    """A fenced code block has no language.

    Without a language no checker can read the block, and Claude and renderers lose the
    highlighting that tells code from output. Use `text` for plain output.
    """

    code, name = "CB001", "fence-no-language"
    bad = "```\ndg dev\n```"
    good = "```bash\ndg dev\n```"

    def check(self, doc, ctx):
        broken = broken_fences(doc)
        after = broken[0][0].end if broken else None
        for fence in doc.fences:
            if after is not None and fence.line > after:
                return  # the fences after a block broke out pair up wrongly: CB002 says why, once
            if not fence.lang:
                yield Hit(fence.line, 1, "code fence has no language (use `text` for plain output)")


def broken_fences(doc) -> list:
    """(fence, line) for an indented code block that ends before its closing fence because
    `line` is indented less than the list item it sits in."""
    cached = doc.__dict__.get("_broken_fences")
    if cached is None:
        cached = []
        for fence in doc.fences:
            opener = doc.lines[fence.line - 1] if fence.line <= len(doc.lines) else ""
            indent = len(opener) - len(opener.lstrip())
            last = doc.lines[fence.end - 1].strip() if fence.end <= len(doc.lines) else ""
            if not indent or last.startswith(("```", "~~~")) or fence.end >= doc.line_count:
                continue
            nxt = fence.end + 1
            while nxt <= len(doc.lines) and not doc.lines[nxt - 1].strip():
                nxt += 1
            if nxt <= len(doc.lines):
                line = doc.lines[nxt - 1]
                if len(line) - len(line.lstrip()) < indent:
                    cached.append((fence, nxt))
        doc.__dict__["_broken_fences"] = cached
    return cached


@register
class FenceBreaksOut(Rule):
    """A code block inside a list item ends early because one of its lines is indented less
    than the item: the line closes the item and the block with it, and the closing fence
    below then opens a new block that swallows the text after it.

    Every later fence of the file pairs up wrongly, so only this finding is reported; CB001
    stays quiet after it. Indent every line of the block at least as far as its fence.
    """

    code, name = "CB002", "fence-breaks-out"
    bad = "- Install:\n  ```bash\n  uv tool install x\n# a comment at column 1\n  ```"
    good = "- Install:\n  ```bash\n  uv tool install x\n  # a comment, indented with the block\n  ```"

    def check(self, doc, ctx):
        for fence, line in broken_fences(doc)[:1]:
            yield Hit(fence.line, 1, f"code block ends early: line {line} is indented less than its list item, "
                                     f"so the block closes there and the fence after it opens a new one; "
                                     f"indent line {line} like the block")


@register
class PythonSyntaxError(CodeRule):
    """A Python block (or `scripts/*.py`) does not compile for the target Python version.

    Lost indentation and half-written examples are the most common defect of skills; a
    reader who copies the block gets a SyntaxError. The target is `target-version` in
    `[tool.skill-lint]` (default 3.13), not the Python that runs skill-lint: `def f[T]()`
    is valid on a 3.12 target, and `match` is an error on a 3.9 target.
    """

    code, name = "CB010", "python-syntax-error"
    bad = "```python\ndef f():\nreturn 1\n```"
    good = "```python\ndef f():\n    return 1\n```"

    def problems(self, unit, ctx):
        return analysis.syntax_problems(unit, ctx.target_version)


@register
class PythonUndefinedName(CodeRule):
    """A Python block uses a name it never defines or imports (pyflakes).

    Every block should run as written. Names the reader supplies are stub functions with a
    docstring in the block, or listed as `placeholders` in the config. `python fragment`
    blocks are exempt.
    """

    code, name = "CB011", "python-undefined-name"
    bad = "```python\n@dg.asset\ndef orders(): ...\n```"
    good = "```python\nimport dagster as dg\n\n@dg.asset\ndef orders(): ...\n```"

    def problems(self, unit, ctx):
        return analysis.undefined_names(unit)


@register
class PythonUnusedImport(CodeRule):
    """A Python block imports a name it never uses (pyflakes).

    Unused imports in examples teach dependencies that are not needed and often mark code
    that was cut without care.
    """

    code, name = "CB012", "python-unused-import"
    bad = "```python\nimport os\nprint(1)\n```"
    good = "```python\nprint(1)\n```"

    def problems(self, unit, ctx):
        return analysis.unused_imports(unit)


@register
class DeprecatedApi(CodeRule):
    """Code uses an API that is deprecated or removed; the message names the replacement.

    The list ships in `skill_tools/data/deprecations.toml` (Airflow 2 imports,
    `schedule_interval`, `SnowflakeOperator`, `AutoMaterializePolicy`, ...); projects add
    entries with `[[tool.skill-lint.deprecations]]`. A section whose heading says legacy,
    migration or deprecated may show old code inside `<!-- skill-lint-disable CB013 -->`.
    """

    code, name = "CB013", "deprecated-api"
    bad = "```python\nfrom airflow.decorators import dag\n```"
    good = "```python\nfrom airflow.sdk import dag\n```"

    def problems(self, unit, ctx):
        return analysis.deprecated_uses(unit, ctx.deprecations)


@register
class ImportUnresolved(Rule):
    """An import in a Python block, rendered template or script does not resolve in the real
    library (only with `--verify-imports`; the message names the installed version).

    A renamed module or a removed class passes every static check and still breaks the
    reader's pipeline. `--verify-imports --python .venvs/dagster/bin/python --python
    .venvs/airflow/bin/python` imports the modules named in import statements, and nothing
    else, in a subprocess of the interpreter that has the block's top-level packages.
    """

    code, name = "CB014", "import-unresolved"
    scope = "verify"
    bad = "```python\nfrom dagster import FreshnessPolicy, SourceAssetX\n```"
    good = "```python\nfrom dagster import FreshnessPolicy, AssetSpec\n```"

    def check(self, target, ctx):  # produced by skill_tools.verify
        return ()


class DataRule(Rule):
    langs: frozenset = frozenset()
    kind = ""

    def check(self, doc, ctx):
        for unit in fence_units(doc, self.langs, self.kind):
            for line, col, msg in self.problems(unit):
                yield Hit(line, col, msg)


@register
class YamlInvalid(DataRule):
    """A YAML block (or a `.yaml` file of the skill) does not parse."""

    code, name = "CB020", "yaml-invalid"
    kinds = ("markdown", "yaml")
    langs, kind = frozenset(analysis.YAML_LANGS), YAML
    bad = "```yaml\njobs: [a, b\n```"
    good = "```yaml\njobs: [a, b]\n```"

    def problems(self, unit):
        return analysis.yaml_problems(unit)


@register
class JsonInvalid(DataRule):
    """A JSON block (or a `.json` file of the skill) does not parse."""

    code, name = "CB021", "json-invalid"
    kinds = ("markdown", "json")
    langs, kind = frozenset(analysis.JSON_LANGS), JSON
    bad = "```json\n{\"a\": 1,}\n```"
    good = "```json\n{\"a\": 1}\n```"

    def problems(self, unit):
        return analysis.json_problems(unit)


@register
class TomlInvalid(DataRule):
    """A TOML block (or a `.toml` file of the skill) does not parse."""

    code, name = "CB022", "toml-invalid"
    kinds = ("markdown", "toml")
    langs, kind = frozenset(analysis.TOML_LANGS), TOML
    bad = "```toml\n[tool\n```"
    good = "```toml\n[tool]\n```"

    def problems(self, unit):
        return analysis.toml_problems(unit)


@register
class ShellSyntaxError(Rule):
    """A shell block (bash, sh) fails `bash -n`. The block is parsed, never run."""

    code, name = "CB023", "shell-syntax-error"
    kinds = ("markdown", "shell")
    bad = "```bash\nif [ -f x ]; then echo x\n```"
    good = "```bash\nif [ -f x ]; then echo x; fi\n```"

    def check(self, doc, ctx):
        units = fence_units(doc, analysis.SHELL_LANGS, SHELL)
        for _, (line, col, msg) in sorted(analysis.shell_problems_batch(units).items()):
            yield Hit(line, col, msg)


def _test_file(rel: str) -> bool:
    """A test of the skill's scripts: its `password="literal"` arguments are fixtures."""
    parts = rel.split("/")
    name = parts[-1]
    return "tests" in parts[:-1] or "test" in parts[:-1] or name.startswith("test_") or name.endswith(("_test.py", "conftest.py"))


@register
class HardcodedSecret(Rule):
    """A code block or skill file holds a credential: a password in a connection URI, a known key
    format (`AKIA...`, `sk_live_...`, private-key blocks) or a `password=`/`token=` literal.

    Readers copy examples into production; a skill is also zipped and shared. Placeholders
    (`${VAR}`, `<password>`, `"..."`, `changeme`, `xxx`, `my-password`, `os.environ[...]`,
    `EnvVar(...)`, `$(vault ...)`), masked formats (`AIzaXXXX...`), AWS's documented
    `...EXAMPLE` keys and the tools' quick-start defaults (`airflow:airflow@postgres`) are fine.
    In a programming-language fence, `token: string` is a declaration, not a value; in the tests
    of a skill's scripts only real key formats and connection URIs count.
    """

    code, name = "CB030", "hardcoded-secret"
    kinds = ("markdown", "python", "yaml", "json", "toml", "shell", "template")
    bad = "```bash\nexport AIRFLOW_CONN_DB='postgres://etl:hunter22@db/prod'\n```"
    good = "```bash\nexport AIRFLOW_CONN_DB='postgres://etl:${DB_PASSWORD}@db/prod'\n```"

    def check(self, doc, ctx):
        if doc.kind != "markdown":
            for line, col, what in find_secrets(doc.text, literals=not _test_file(doc.rel)):
                yield Hit(line, col, f"hard-coded secret: {what}")
            return
        for fence in doc.fences:
            for line, col, what in find_secrets(fence.content, fence.lang):
                yield Hit(fence.first_line + line - 1, col, f"hard-coded secret: {what}")
