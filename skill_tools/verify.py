"""`--verify-imports`: resolve every import of every Python block, rendered template and script
in real interpreters, and report CB014 for what does not resolve.

Safety: the bundle's code is never run. Each interpreter gets, in a subprocess with a timeout,
only the module names and imported names from import statements; it imports those modules and
nothing else. Each unit is routed to the interpreter that has all its top-level packages (the
Dagster environment for Dagster blocks, the Airflow one for DAGs), found with `find_spec`
before anything is imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from . import analysis
from .document import MARKDOWN, PYTHON, TEMPLATE, Document
from .model import Hit

TIMEOUT = 300

_FIND = r"""
import importlib.util, json, sys
tops = json.load(sys.stdin)
found = {}
for top in tops:
    try:
        found[top] = importlib.util.find_spec(top) is not None
    except Exception:
        found[top] = False
json.dump(found, sys.stdout)
"""

_IMPORT = r"""
import importlib, json, sys, warnings
warnings.simplefilter("ignore")
req = json.load(sys.stdin)
out = {"imports": {}, "versions": {}}
for key, (mod, names) in req.items():
    try:
        m = importlib.import_module(mod)
    except BaseException as e:
        out["imports"][key] = "cannot import module %r: %s: %s" % (mod, type(e).__name__, str(e).splitlines()[0] if str(e) else "")
        continue
    missing = []
    for n in names:
        if hasattr(m, n):
            continue
        try:
            importlib.import_module(mod + "." + n)
        except BaseException:
            missing.append(n)
    out["imports"][key] = ("cannot import %s from %r" % (", ".join(repr(n) for n in missing), mod)) if missing else None
try:
    from importlib.metadata import packages_distributions, version
    dists = packages_distributions()
    for key, (mod, names) in req.items():
        top = mod.split(".")[0]
        if top in dists and top not in out["versions"]:
            out["versions"][top] = "%s %s" % (dists[top][0], version(dists[top][0]))
except Exception:
    pass
json.dump(out, sys.stdout)
"""


class VerifyError(Exception):
    pass


def _run(python: str, script: str, payload, state: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DAGSTER_HOME": state, "AIRFLOW_HOME": state, "DLT_DATA_DIR": state, "PREFECT_HOME": state,
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "PYTHONDONTWRITEBYTECODE": "1",
    })
    try:
        proc = subprocess.run([python, "-c", script], input=json.dumps(payload), capture_output=True,
                              text=True, timeout=TIMEOUT, env=env, cwd=state)
    except subprocess.TimeoutExpired:
        raise VerifyError(f"{python}: import check timed out after {TIMEOUT} s") from None
    except OSError as exc:
        raise VerifyError(f"{python}: cannot run: {exc}") from None
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise VerifyError(f"{python}: import check failed: {last}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def units_of(rel: str, data: bytes, config) -> list:
    """Python units of one file: fences, a rendered template, or a script."""
    doc = Document(rel, data)
    if doc.kind == MARKDOWN:
        return analysis.python_units(doc.fences, config.placeholders)
    if doc.kind == PYTHON:
        return [analysis.CodeUnit("python", doc.text, list(range(1, max(1, doc.line_count) + 1)))]
    if doc.kind == TEMPLATE and rel.endswith(".py.j2"):
        from .rules.templates import rendered, template_of

        output, _ = rendered(doc)
        if output is None:
            return []
        offset = template_of(doc).header_end_line
        lines = [min(n + offset, doc.line_count) for n in range(1, output.count("\n") + 2)]
        return [analysis.CodeUnit("python", output, lines)]
    return []


def verify_imports(skills, config, pythons) -> dict:
    """{(skill index, rel): [("CB014", Hit), ...]} plus counts in the returned '_stats' key."""
    stdlib = set(getattr(sys, "stdlib_module_names", ()))
    imports = []  # (s_index, rel, line, module, names, unit id)
    unit_tops: dict = {}
    uid = 0
    for s_index, skill in enumerate(skills):
        units = []
        for rel, path in skill.files:
            try:
                data = Path(path).read_bytes()
            except OSError:
                continue
            units += [(rel, unit) for unit in units_of(rel, data, config)]
        # a block titled `plugins/notifier.py` is the module `notifier` other blocks import
        provided = {unit.provides for _, unit in units if unit.provides}
        for rel, unit in units:
            uid += 1
            tops = set()
            for module, names, line in analysis.imported_modules(unit):
                top = module.split(".")[0]
                if top in provided:
                    continue
                imports.append((s_index, rel, line, module, names, uid))
                if top not in stdlib:
                    tops.add(top)
            unit_tops[uid] = tops
    all_tops = sorted(set().union(*unit_tops.values()) if unit_tops else set())
    with tempfile.TemporaryDirectory(prefix="skill-lint-verify-") as state:
        found = {py: _run(py, _FIND, all_tops, state) for py in pythons}
        route = {}
        for u, tops in unit_tops.items():
            best = max(pythons, key=lambda py: (sum(found[py].get(t, False) for t in tops), -pythons.index(py)))
            route[u] = best
        per_python: dict = {py: {} for py in pythons}
        for i, (_, _, _, module, names, u) in enumerate(imports):
            per_python[route[u]][str(i)] = (module, list(names))
        results = {py: _run(py, _IMPORT, req, state) if req else {"imports": {}, "versions": {}}
                   for py, req in per_python.items()}
    out: dict = {}
    for i, (s_index, rel, line, module, names, u) in enumerate(imports):
        py = route[u]
        problem = results[py]["imports"].get(str(i))
        if problem:
            version = results[py]["versions"].get(module.split(".")[0])
            where = f" ({version}" if version else " (not installed"
            out.setdefault((s_index, rel), []).append(("CB014", Hit(line, 1, f"{problem}{where} in {py})")))
    out["_stats"] = {"units": len(unit_tops), "imports": len(imports),
                     "routed": {py: sum(1 for u in route.values() if u == py) for py in pythons}}
    return out
