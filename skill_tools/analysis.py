"""Code analysis shared by the code-block rules (CB) and the template rules (TP).

A `CodeUnit` is source text plus the file line of each of its lines. Each analysis is
computed once per unit and cached on it, so several rules can read the same parse.
Nothing here executes or imports the code it reads (`bash -n` only parses).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tomllib
import warnings
from dataclasses import dataclass, field
from functools import cached_property

from . import yamlsafe


PYTHON_LANGS = {"python", "py", "python3", "py3"}
YAML_LANGS = {"yaml", "yml"}
JSON_LANGS = {"json"}
TOML_LANGS = {"toml"}
SHELL_LANGS = {"bash", "sh", "shell", "zsh"}


@dataclass
class CodeUnit:
    lang: str
    source: str
    lines: list  # file line of each source line
    fragment: bool = False
    column_offset: int = 0
    heading: str = ""
    placeholders: frozenset = field(default_factory=frozenset)
    title: str = ""  # `python title="plugins/notifier.py"`: the file the block is, for the reader
    label: str = ""  # the line of text just above the block
    check_undefined: bool = True  # `python nocheckundefined` turns CB011 off for the block
    read_later: frozenset = field(default_factory=frozenset)  # names later blocks of the page read

    @property
    def provides(self) -> str:
        """The module a titled block defines (`plugins/notifier.py` -> `notifier`), or ""."""
        name = self.title.rsplit("/", 1)[-1]
        return name[:-3] if name.endswith(".py") else ""

    def file_line(self, n: int) -> int:
        """File line of 1-based source line `n`."""
        if not self.lines:
            return 1
        n = min(max(n, 1), len(self.lines))
        return self.lines[n - 1]

    # ---- Python ----------------------------------------------------------------------

    @cached_property
    def python_tree(self):
        """(tree, None) or (None, (line, col, message))."""
        try:
            with warnings.catch_warnings():  # SyntaxWarning ("invalid escape") is not an error
                warnings.simplefilter("ignore")
                tree = _parse(self.source)
        except SyntaxError as exc:
            line = exc.lineno or 1
            sketch = as_sketch(self.source)
            if sketch != self.source:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        return _parse(sketch), None
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    pass
            return None, (line, exc.offset or 1, exc.msg)
        except (ValueError, RecursionError, MemoryError) as exc:
            return None, (1, 1, f"cannot compile: {exc.__class__.__name__}")
        return tree, None

    @cached_property
    def flakes(self) -> list:
        tree, _ = self.python_tree
        if tree is None:
            return []
        try:
            return list(block_checker()(tree, self.source, self.placeholders).messages)
        except RecursionError:
            return []


_BLOCK_CHECKER = None


def _parse(source: str):
    """The tree of a block, read like a notebook cell: top-level `await` and `async with` are
    allowed (Jupyter and `python -m asyncio` run them)."""
    return compile(source, "<block>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)


_ELLIPSIS_ARG = re.compile(r",\s*(?:\.\.\.|…)(?=\s*[)\]}])|(?<=[(\[{])\s*(?:\.\.\.|…)\s*,")
_OPENS_BLOCK = re.compile(r"^(\s*)(?:if|elif|else|for|while|with|try|except|finally|def|class|async)\b.*:\s*(?:#.*)?$")


def as_sketch(source: str) -> str:
    """A block as the page means it, line for line: `f(model=x, ...)` leaves the other
    arguments to the reader, and a `:` followed only by comments stands for a body
    (`if expired:` / `    # never true when timeout < 0`)."""
    text = _ELLIPSIS_ARG.sub("", source)
    lines = text.split("\n")
    for i, line in enumerate(lines):
        m = _OPENS_BLOCK.match(line)
        if not m:
            continue
        indent = len(m.group(1))
        body, commented = None, False
        for nxt in lines[i + 1:]:
            stripped = nxt.strip()
            if not stripped:
                continue
            if stripped.startswith("#") and len(nxt) - len(nxt.lstrip()) > indent:
                commented = True
                continue
            body = len(nxt) - len(nxt.lstrip()) > indent
            break
        if commented and not body:  # only comments stand for the body: lost indentation is not
            code, hash_, comment = line.partition("#") if "#" in line and "'" not in line and '"' not in line else (line, "", "")
            lines[i] = code.rstrip() + " ..." + (("  " + hash_ + comment) if hash_ else "")
    return "\n".join(lines)


def block_checker():
    """pyflakes' Checker, binding only the builtins that a block's text spells.

    Checker binds all ~160 builtins into each module scope it opens: on a 10-line block that
    is half of its time. A builtin whose name the source never spells can be neither read nor
    rebound, so leaving it out changes no message. Every builtin is bound when a name may be
    spelled otherwise: non-ASCII source (identifiers are NFKC-normalized: `ｐｒｉｎｔ` is
    `print`) and strings that pyflakes reads as code (`x: "in" "t"`, `cast("\\x6cist", y)`).
    """
    global _BLOCK_CHECKER
    if _BLOCK_CHECKER is None:
        from pyflakes import checker

        class BlockChecker(checker.Checker):
            def __init__(self, tree, source, builtins=()):
                self._source = None if spelled_otherwise(source) else source
                super().__init__(tree, filename="<block>", builtins=builtins)

            @property
            def builtIns(self):
                return self._builtins

            @builtIns.setter
            def builtIns(self, names):
                source = self._source
                self._builtins = names if source is None else {n for n in names if n in source}

        _BLOCK_CHECKER = BlockChecker
    return _BLOCK_CHECKER


def python_units(fences, placeholders=frozenset()) -> list:
    """Group a document's Python fences into units, read as the reader of the page reads them.

    `python continues` joins the previous block; `python nocheck` opts a block out of every
    check (dagster-io/skills' convention) and `python nocheckundefined` out of CB011. A block
    that starts indented is a fragment cut from a larger body: it is dedented and checked as a
    fragment. Names that earlier blocks of the page define count as defined, and an import
    that only a later block uses is used.
    """
    units: list[CodeUnit] = []
    for fence in fences:
        if fence.lang not in PYTHON_LANGS or "nocheck" in fence.options:
            continue
        body_lines = list(range(fence.first_line, fence.first_line + fence.content.count("\n")))
        if "continues" in fence.options and units:
            prev = units[-1]
            prev.source += fence.content
            prev.lines += body_lines
            prev.__dict__.pop("python_tree", None)
            prev.__dict__.pop("flakes", None)
            continue
        source, indent = _dedented(fence.content)
        units.append(
            CodeUnit(
                "python",
                source,
                body_lines,
                fragment="fragment" in fence.options or indent > 0,
                column_offset=indent,
                heading=fence.heading,
                label=fence.label,
                placeholders=placeholders,
                title=fence_title(fence.options),
                check_undefined="nocheckundefined" not in fence.options,
            )
        )
    if len(units) > 1:
        _link_units(units)
    return units


def _dedented(source: str):
    """(source, indent): a block whose first line is indented, with that indent removed."""
    first = next((line for line in source.splitlines() if line.strip()), "")
    indent = len(first) - len(first.lstrip(" \t"))
    if not indent:
        return source, 0
    lines = source.splitlines(keepends=True)
    if any(line.strip() and not line.startswith(first[:indent]) for line in lines):
        return source, 0  # dedenting would change its meaning: check it as written
    return "".join(line[indent:] if line.strip() else line for line in lines), indent


def _link_units(units) -> None:
    """Give each unit the names earlier units bind, and the names later units read."""
    bound: set = set()
    trees = [u.python_tree[0] for u in units]
    for unit, tree in zip(units, trees):
        if bound:
            unit.placeholders = frozenset(unit.placeholders | bound)
            unit.__dict__.pop("flakes", None)
        if tree is not None:
            bound |= _bound_names(tree)
    read: set = set()
    for unit, tree in reversed(list(zip(units, trees))):
        unit.read_later = frozenset(read)
        if tree is not None:
            read |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _bound_names(tree) -> set:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
    return out


def fence_title(options) -> str:
    for option in options:
        if option.startswith("title="):
            return option[len("title="):].strip("\"'")
    return ""


def fence_unit(fence) -> CodeUnit:
    lines = list(range(fence.first_line, fence.first_line + max(1, fence.content.count("\n"))))
    return CodeUnit(fence.lang, fence.content, lines, heading=fence.heading)


# ---- Python checks ------------------------------------------------------------------


# Errors the compiler raises after parsing ('return' outside function, ...): pyflakes finds
# them on the tree it reads anyway, so the block is never compiled to bytecode.
# `return`, `yield` and `await` at the top of a block are an excerpt of a function body (or a
# notebook cell), not an error a reader meets.
_COMPILE_ERRORS = ("BreakOutsideLoop", "ContinueOutsideLoop", "DuplicateArgument", "ImportStarNotPermitted")


def syntax_problems(unit: CodeUnit, target=(3, 13)):
    """Syntax errors for the Python version the skill targets. The running interpreter parses
    first; what it rejects is asked of ruff when the target is newer (`def f[T]()` is valid
    3.12 even when skill-lint runs on 3.11)."""
    _, error = unit.python_tree
    limit = error and ("too many nested" in error[2] or error[2].startswith("cannot compile"))
    if error and not limit and tuple(sys.version_info[:2]) < tuple(target):
        newer = ruff_syntax_errors(unit.source, target)
        if newer is not None:
            for line, col, msg in newer[:1]:
                yield unit.file_line(line), col + unit.column_offset, f"Python syntax error: {msg}"
            return
    if error:
        line, col, msg = error
        yield unit.file_line(line), col + unit.column_offset, f"Python syntax error: {msg}"
        return
    if tuple(target) < tuple(sys.version_info[:2]):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(unit.source, feature_version=tuple(target))
        except SyntaxError as exc:
            yield unit.file_line(exc.lineno or 1), (exc.offset or 1) + unit.column_offset, \
                f"Python syntax error on Python {target[0]}.{target[1]}: {exc.msg}"
            return
    for msg in unit.flakes:  # a fragment cut from a loop or a function may `continue` or `return`
        if type(msg).__name__ in _COMPILE_ERRORS and not (unit.fragment and type(msg).__name__ != "DuplicateArgument"):
            text = msg.message % msg.message_args
            yield unit.file_line(msg.lineno), msg.col + 1, f"Python syntax error: {text}"


_WRONG_WAY = re.compile(
    r"(?i)(?:❌|🚫|⛔|✗|\b(?:wrong|incorrect|bad|don'?t|do not|avoid|never|anti-?pattern|vulnerable|insecure"
    r"|unsafe|legacy|old(?:er)? (?:way|style|api)|deprecated|removed|airflow 2(?:\.x)?|dagster 0\.|prefect 2)\b"
    r"|^[\W_]*before\b)"
)
_RIGHT_WAY = re.compile(r"(?i)(?:✅|✓|👍|\b(?:correct|right|good|after|preferred|recommended|instead|fixed|secure|safe)\b)")


def shows_wrong_way(unit: CodeUnit) -> bool:
    """The block is labelled as the old or wrong way ("❌ WRONG", "**Before (Airflow 2.x):**",
    a `## Legacy imports` heading): it is there to be recognised, not copied. A label that
    says it is the right way wins over the heading ("After", "✅ Correct")."""
    label = unit.label
    if label and _WRONG_WAY.search(label) and not _RIGHT_WAY.search(_WRONG_WAY.sub("", label)):
        return True
    if label and _RIGHT_WAY.search(label):
        return False
    return bool(unit.heading and _WRONG_WAY.search(unit.heading) and not _RIGHT_WAY.search(unit.heading))


def wrong_way_lines(unit: CodeUnit) -> frozenset:
    """Source lines under a comment that labels them the wrong or old way (`# WRONG`,
    `# Airflow 2.x`, `# Before`) until a comment that labels the right way (`# CORRECT`)."""
    out, wrong = set(), False
    for n, line in enumerate(unit.source.splitlines(), 1):
        text = line.strip()
        if text.startswith("#"):
            if _RIGHT_WAY.search(_WRONG_WAY.sub("", text)):
                wrong = False
            elif _WRONG_WAY.search(text):
                wrong = True
        elif wrong:
            out.add(n)
    return frozenset(out)


def _shows_one_call(unit: CodeUnit) -> bool:
    """A block of one statement that calls something (`dg.materialize([orders])`): it shows a
    call, not a program, and its names come from the surrounding text."""
    tree, _ = unit.python_tree
    if tree is None or len(tree.body) != 1:
        return False
    node = tree.body[0]
    value = getattr(node, "value", None)
    return isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign, ast.Return, ast.Await)) and isinstance(value, (ast.Call, ast.Await))


_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)


def _noqa(unit: CodeUnit, line: int, codes) -> bool:
    """`# noqa` or `# noqa: F401` (ruff's and flake8's spelling) on the source line."""
    lines = unit.source.splitlines()
    if not 0 < line <= len(lines):
        return False
    m = _NOQA.search(lines[line - 1])
    if not m:
        return False
    written = m.group("codes")
    return not written or bool({c.upper() for c in re.split(r"[\s,]+", written)} & set(codes))


def ruff_syntax_errors(source: str, target) -> list | None:
    """(line, column, message) of ruff's syntax errors for `target`, or None without ruff."""
    try:
        from ruff.__main__ import find_ruff_bin

        ruff = find_ruff_bin()
    except (ImportError, FileNotFoundError):
        return None
    cmd = [ruff, "check", "--isolated", "--no-cache", "--select", "E9", "--output-format", "json",
           "--target-version", f"py{target[0]}{target[1]}", "--stdin-filename", "block.py", "-"]
    try:
        proc = subprocess.run(cmd, input=source, capture_output=True, text=True, timeout=30)
        found = json.loads(proc.stdout or "[]")
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    return [(f["location"]["row"], f["location"]["column"], f["message"]) for f in found
            if f.get("code") in ("invalid-syntax", "E999", None)]


def undefined_names(unit: CodeUnit):
    if unit.fragment or not unit.check_undefined or _shows_one_call(unit) or shows_wrong_way(unit):
        return
    from pyflakes import messages

    for msg in unit.flakes:
        if isinstance(msg, (messages.UndefinedName, messages.UndefinedLocal)) and not _noqa(unit, msg.lineno, ("F821", "CB011")):
            yield unit.file_line(msg.lineno), msg.col + 1 + unit.column_offset, f"undefined name '{msg.message_args[0]}'"


def _imports_only(unit: CodeUnit) -> bool:
    """A block of nothing but imports shows where names come from (`from x import y`)."""
    tree, _ = unit.python_tree
    return tree is not None and bool(tree.body) and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)


def unused_imports(unit: CodeUnit):
    if unit.fragment or _imports_only(unit) or _shows_one_call(unit) or shows_wrong_way(unit):
        return
    from pyflakes import messages

    for msg in unit.flakes:
        if not isinstance(msg, messages.UnusedImport) or _noqa(unit, msg.lineno, ("F401", "CB012")):
            continue
        name = msg.message_args[0]
        if msg.lineno in wrong_way_lines(unit):
            continue
        if name.startswith("__future__."):
            continue  # a compiler directive, never "used"
        full, _, alias = name.partition(" as ")
        if {alias, full.split(".")[0], full.split(".")[-1]} & unit.read_later:
            continue
        yield unit.file_line(msg.lineno), msg.col + 1 + unit.column_offset, f"'{name}' imported but unused"


def imported_modules(unit: CodeUnit) -> list:
    """(module, names, line) for every import statement: what verify-imports resolves."""
    tree, _ = unit.python_tree
    out = []
    if tree is None:
        return out
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.append((alias.name, (), unit.file_line(node.lineno)))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = tuple(a.name for a in node.names if a.name != "*")
            out.append((node.module, names, unit.file_line(node.lineno)))
    return out


# ---- deprecated APIs ----------------------------------------------------------------


@dataclass(frozen=True)
class Deprecation:
    kind: str
    pattern: str
    replacement: str
    call: str = ""

    @cached_property
    def needles(self) -> tuple:
        """Words any use must spell: every part of the pattern (`import airflow.hooks.base`,
        `from airflow.models import DAG`, `x.Deployment.build_from_flow`) and the call."""
        parts = re.split(r"[.:]", self.pattern.removesuffix(".*")) + [self.call]
        return tuple(p for p in parts if p)

    def module_matches(self, module: str) -> bool:
        if self.pattern.endswith(".*"):
            return module.startswith(self.pattern[:-1])
        return module == self.pattern or module.startswith(self.pattern + ".")


def _dotted(node, aliases) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(aliases.get(node.id, node.id))
        return ".".join(reversed(parts))
    return ""


def spelled_otherwise(source: str) -> bool:
    """True when the code may hold a name that its text does not spell: non-ASCII text (NFKC
    identifiers), an escape in a string (`"\\u0064ag_run"`), or adjacent string literals
    (`"dag" "_run"`). False alarms (`" "`, `""`) only cost speed."""
    if not source.isascii() or "\\" in source:
        return True
    return bool(_ADJACENT_STRINGS.search(source))


# A closing quote, then whitespace or comments and an opening quote (with its prefix), or a
# run of quotes that is not a triple-quote delimiter. Possessive, so a line of `#` stays linear.
_ADJACENT_STRINGS = re.compile(
    r"""["'](?:(?:\s|#[^\n]*+)++[rRbBuUfF]{0,2}|[rRbBuUfF]{1,2})["']"""
    r"""|"'|'"|(?<!")""(?!")|(?<!')''(?!')|"{4,}|'{4,}"""
)


def _may_use(source: str, rules) -> bool:
    """False when the text spells no rule's identifiers, so the AST walk can find nothing
    (a string value may be spelled otherwise: then string rules walk)."""
    hidden = spelled_otherwise(source)
    return any((hidden and rule.kind == "string") or all(n in source for n in rule.needles) for rule in rules)


def _import_fallbacks(tree) -> set:
    """Import nodes inside a `try:` that catches ImportError: a compatibility shim that picks
    whichever path the installed version has, not a use of the old one."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(_catches_import_error(h.type) for h in node.handlers):
            for part in node.body + [n for h in node.handlers for n in h.body]:
                out |= {id(n) for n in ast.walk(part) if isinstance(n, (ast.Import, ast.ImportFrom))}
    return out


def _catches_import_error(node) -> bool:
    names = node.elts if isinstance(node, ast.Tuple) else [node]
    return any(getattr(n, "id", getattr(n, "attr", "")) in ("ImportError", "ModuleNotFoundError") for n in names)


def deprecated_uses(unit: CodeUnit, rules) -> list:
    """(file line, column, message) for every legacy API the unit uses, once per place.

    Code labelled as the old or wrong way is left alone (see `shows_wrong_way`), and so are
    import fallbacks and a local variable that happens to share a legacy name."""
    tree, _ = unit.python_tree
    if tree is None or not _may_use(unit.source, rules) or shows_wrong_way(unit):
        return []
    skip_lines = wrong_way_lines(unit)
    fallbacks = _import_fallbacks(tree)
    locals_ = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    found = []
    aliases = {}
    for node in tree.body:  # module-level imports name the aliases (`import dagster as dg`)
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]

    def add(node, what, rule):
        if node.lineno in skip_lines or id(node) in fallbacks:
            return
        found.append((unit.file_line(node.lineno), node.col_offset + 1 + unit.column_offset,
                      f"{what} is deprecated or removed; use {rule.replacement}"))

    by_kind: dict = {}
    for rule in rules:
        by_kind.setdefault(rule.kind, []).append(rule)
    string_rules = by_kind.get("string", [])
    string_res = [(r, re.compile(r"\{\{[^}]*\b" + re.escape(r.pattern) + r"\b")) for r in string_rules]

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                for rule in by_kind.get("module", []):
                    if rule.module_matches(alias.name):
                        add(node, f"module '{alias.name}'", rule)
        elif isinstance(node, ast.ImportFrom) and node.module:
            hit = False
            for rule in by_kind.get("module", []):
                if rule.module_matches(node.module):
                    add(node, f"module '{node.module}'", rule)
                    hit = True
            if not hit:
                for alias in node.names:
                    for rule in by_kind.get("name", []):
                        mod, _, name = rule.pattern.rpartition(":")
                        if alias.name == name and (not mod or mod == node.module):
                            add(node, f"'{node.module}.{alias.name}'", rule)
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node, aliases)
            for rule in by_kind.get("name", []):
                mod, _, name = rule.pattern.rpartition(":")
                if (mod and dotted == f"{mod}.{name}") or (not mod and node.attr == name):
                    add(node, f"'{dotted or node.attr}'", rule)
            for rule in by_kind.get("attribute", []):
                if dotted == rule.pattern or dotted.endswith("." + rule.pattern):
                    add(node, f"'{rule.pattern}'", rule)
        elif isinstance(node, ast.Call):
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for kw in node.keywords:
                for rule in by_kind.get("keyword", []):
                    if kw.arg == rule.pattern and (not rule.call or rule.call == callee):
                        target = f"{rule.call}({kw.arg}=...)" if rule.call else f"{kw.arg}="
                        add(kw.value if hasattr(kw.value, "lineno") else node, f"'{target}'", rule)
        elif isinstance(node, ast.Name) and node.id not in locals_:
            for rule in string_rules:
                if node.id == rule.pattern:
                    add(node, f"'{rule.pattern}'", rule)
        elif isinstance(node, ast.arg):
            for rule in string_rules:
                if node.arg == rule.pattern:
                    add(node, f"'{rule.pattern}'", rule)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for rule, rx in string_res:
                if node.value == rule.pattern or rx.search(node.value):
                    add(node, f"'{rule.pattern}'", rule)
    return sorted(set(found))


# ---- other languages ----------------------------------------------------------------


def yaml_problems(unit: CodeUnit):
    try:
        yamlsafe.load_all(unit.source)
    except yamlsafe.YamlError as exc:
        yield unit.file_line(exc.line + 1), exc.column, f"invalid YAML: {exc.message}"


def json_problems(unit: CodeUnit):
    try:
        json.loads(unit.source)
    except json.JSONDecodeError as exc:
        yield unit.file_line(exc.lineno), exc.colno, f"invalid JSON: {exc.msg}"
    except RecursionError:
        yield unit.file_line(1), 1, "invalid JSON: nested too deeply"


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_problems(unit: CodeUnit):
    try:
        tomllib.loads(unit.source)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_AT.search(msg)
        line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        yield unit.file_line(line), col, f"invalid TOML: {_TOML_AT.sub('', msg).strip()}"


_BASH_LINE = re.compile(r"line (\d+): (.*)")

# `<ID>`, `<build step 1>`, `<your-token>`: a value the reader types in. Never `<<EOF`, `<(cmd)`,
# `<$file` or `2>&1`: the text inside starts with a letter or digit and holds no `<`, `>` or `|`.
_SHELL_PLACEHOLDER = re.compile(r"(?<![<\w])<[A-Za-z0-9_][^<>|\n]*>(?!>)")
_PROMPT = re.compile(r"^\s*[$%] ")


def shell_as_typed(source: str) -> str:
    """The commands a reader would type from a shell block, one output line per input line.

    Documentation writes `<ID>` for a value to fill in and `$ cmd` for a prompt followed by the
    command's output. A placeholder becomes a plain word; when any line starts with a `$ ` or
    `% ` prompt, only prompted lines (and their `\\` continuations) are commands and the other
    lines are output, blanked so that line numbers stay right.
    """
    lines = source.split("\n")
    if any(_PROMPT.match(line) for line in lines):
        kept, continued = [], False
        for line in lines:
            if _PROMPT.match(line):
                line = _PROMPT.sub("", line, count=1)
            elif not continued:
                line = ""
            continued = line.rstrip().endswith("\\")
            kept.append(line)
        lines = kept
    return "\n".join(_SHELL_PLACEHOLDER.sub("PLACEHOLDER", line) for line in lines)


def _bash_n(script: str):
    """Run `bash -n` (parse only). Returns (line, message) of the first error, or None."""
    bash = shutil.which("bash")
    if not bash:
        return None
    try:
        proc = subprocess.run([bash, "-n"], input=script, capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        return 1, "bash -n timed out"
    if proc.returncode == 0:
        return None
    for line in proc.stderr.splitlines():
        m = _BASH_LINE.search(line)
        if m:
            return int(m.group(1)), m.group(2).strip()
    return 1, proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "syntax error"


def shell_problems_batch(units) -> dict:
    """Check many shell units with one `bash -n` when they all pass; split when one fails.

    Returns {index: (file line, column, message)}.
    """
    if not units:
        return {}
    typed = [shell_as_typed(u.source) for u in units]
    todo = [t for t in typed if t not in _SHELL_MEMO]
    if len(todo) > 1:
        joined = "".join(f"__skill_lint_{i}() {{\n{t}\n:\n}}\n" for i, t in enumerate(todo))
        if _bash_n(joined) is None:
            for t in todo:
                _SHELL_MEMO[t] = None
    out = {}
    for i, (unit, text) in enumerate(zip(units, typed)):
        if text not in _SHELL_MEMO:
            if len(_SHELL_MEMO) > 10_000:
                _SHELL_MEMO.clear()
            _SHELL_MEMO[text] = _bash_n(text)
        err = _SHELL_MEMO[text]
        if err:
            out[i] = (unit.file_line(err[0]), 1, f"shell syntax error: {err[1]}")
    return out


# Identical shell blocks (install commands, `dg dev`) recur across files: parse each once
# per process. The result depends on the text alone.
_SHELL_MEMO: dict = {}
