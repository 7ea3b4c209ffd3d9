"""`[tool.skill-lint]` in the nearest pyproject.toml, merged with command-line options."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .analysis import Deprecation


PROFILES = ("spec", "claude-code")
DEFAULT_BUDGETS = {"body-lines": 500, "body-tokens": 5000, "toc-lines": 100}
KEYS = {
    "select", "ignore", "per-file-ignores", "profile", "placeholders", "deprecations",
    "budgets", "exclude", "cache-dir", "preamble", "target-version",
}
DEFAULT_TARGET = (3, 13)


class ConfigError(Exception):
    pass


@dataclass
class Config:
    select: tuple = ("ALL",)
    ignore: tuple = ()
    per_file_ignores: dict = field(default_factory=dict)
    profile: str = "spec"
    placeholders: frozenset = frozenset()
    target_version: tuple = DEFAULT_TARGET
    deprecations: tuple = ()
    budgets: dict = field(default_factory=lambda: dict(DEFAULT_BUDGETS))
    exclude: tuple = ()
    cache_dir: Path | None = None
    root: Path | None = None  # folder of the pyproject.toml it came from
    source: str = ""

    def fingerprint(self) -> str:
        """Everything that can change a file's cached findings."""
        data = {
            "select": sorted(self.select),
            "ignore": sorted(self.ignore),
            "profile": self.profile,
            "placeholders": sorted(self.placeholders),
            "target": list(self.target_version),
            "deprecations": [(d.kind, d.pattern, d.replacement, d.call) for d in self.deprecations],
            "budgets": self.budgets,
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def _preamble_names(preamble, where) -> frozenset:
    """Names a page's blocks may use without importing them: `preamble = ["import dagster as
    dg"]` says every block implicitly starts with that line."""
    import ast

    if isinstance(preamble, str):
        preamble = [preamble]
    if not isinstance(preamble, list) or not all(isinstance(p, str) for p in preamble):
        raise ConfigError(f"{where}: 'preamble' must be a list of Python lines (\"import dagster as dg\")")
    names = set()
    for line in preamble:
        try:
            tree = ast.parse(line)
        except SyntaxError as exc:
            raise ConfigError(f"{where}: 'preamble' line {line!r} is not valid Python: {exc.msg}") from None
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
    return frozenset(names)


def _target(value, where) -> tuple:
    """`"3.12"`, `"py312"` or `3.12` -> (3, 12)."""
    text = str(value).strip().lower().removeprefix("py")
    if "." not in text and len(text) >= 2:
        text = text[0] + "." + text[1:]
    try:
        major, minor = (int(p) for p in text.split("."))
    except ValueError:
        raise ConfigError(f"{where}: 'target-version' must look like \"3.12\", got {value!r}") from None
    if major != 3 or not 8 <= minor <= 20:
        raise ConfigError(f"{where}: 'target-version' {value!r} is not a Python 3 version skill-lint knows")
    return (major, minor)


def builtin_deprecations() -> tuple:
    from importlib import resources

    text = resources.files("skill_tools").joinpath("data/deprecations.toml").read_text("utf-8")
    return tuple(_deprecation(d, "deprecations.toml") for d in tomllib.loads(text)["deprecation"])


def _deprecation(d, where) -> Deprecation:
    if not isinstance(d, dict) or not {"kind", "pattern", "replacement"} <= set(d):
        raise ConfigError(f"{where}: each deprecation needs kind, pattern and replacement")
    if d["kind"] not in ("module", "name", "keyword", "attribute", "string"):
        raise ConfigError(f"{where}: unknown deprecation kind {d['kind']!r}")
    return Deprecation(d["kind"], d["pattern"], d["replacement"], d.get("call", ""))


def find_pyproject(start: Path) -> Path | None:
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
                raise ConfigError(f"{candidate}: cannot read: {exc}") from None
            if "skill-lint" in data.get("tool", {}):
                return candidate
    return None


def _codes(value, key, where) -> tuple:
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of rule codes")
    return tuple(v.strip().upper() for v in value)


def load_config(start: Path) -> Config:
    config = Config(deprecations=builtin_deprecations())
    path = find_pyproject(start)
    if path is None:
        return config
    where = str(path)
    table = tomllib.loads(path.read_text("utf-8"))["tool"]["skill-lint"]
    unknown = set(table) - KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown [tool.skill-lint] key(s): {', '.join(sorted(unknown))}")
    config.root = path.parent
    config.source = where
    if "select" in table:
        config.select = _codes(table["select"], "select", where)
    if "ignore" in table:
        config.ignore = _codes(table["ignore"], "ignore", where)
    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(f"{where}: 'per-file-ignores' must map globs to code lists")
    config.per_file_ignores = {k: _codes(v, "per-file-ignores", where) for k, v in pfi.items()}
    profile = table.get("profile", "spec")
    if profile not in PROFILES:
        raise ConfigError(f"{where}: 'profile' must be one of {', '.join(PROFILES)}")
    config.profile = profile
    placeholders = table.get("placeholders", [])
    if not isinstance(placeholders, list) or not all(isinstance(p, str) for p in placeholders):
        raise ConfigError(f"{where}: 'placeholders' must be a list of names")
    config.placeholders = frozenset(placeholders) | _preamble_names(table.get("preamble", []), where)
    if "target-version" in table:
        config.target_version = _target(table["target-version"], where)
    extra = table.get("deprecations", [])
    if not isinstance(extra, list):
        raise ConfigError(f"{where}: 'deprecations' must be an array of tables")
    config.deprecations = config.deprecations + tuple(_deprecation(d, where) for d in extra)
    budgets = table.get("budgets", {})
    if not isinstance(budgets, dict) or not all(k in DEFAULT_BUDGETS and isinstance(v, int) for k, v in budgets.items()):
        raise ConfigError(f"{where}: 'budgets' keys are {', '.join(DEFAULT_BUDGETS)}, with integer values")
    config.budgets.update(budgets)
    exclude = table.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(e, str) for e in exclude):
        raise ConfigError(f"{where}: 'exclude' must be a list of globs")
    config.exclude = tuple(exclude)
    if "cache-dir" in table:
        config.cache_dir = (path.parent / str(table["cache-dir"])).resolve()
    return config
