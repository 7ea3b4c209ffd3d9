"""Integration tests run the bundle's code in the pinned engine environments (.venvs/,
built by tools/build_envs.py). A missing environment is a failure, not a skip."""

from __future__ import annotations

import pytest

from .bundle import ENGINES, collect, python_of, run_harness

COUNTS: dict = {}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def engines():
    missing = [e for e in ENGINES if not python_of(e).exists()]
    if missing:
        pytest.fail(f"engine environment(s) missing: {', '.join(missing)}; run: python tools/build_envs.py")
    return {e: python_of(e) for e in ENGINES}


@pytest.fixture(scope="session")
def block_results(engines, tmp_path_factory):
    """Every non-fragment unit, loaded by its engine's harness: {unit id: result}."""
    units = [u for u in collect() if not u.fragment]
    state = tmp_path_factory.mktemp("engines")
    results = {}
    for engine in ENGINES:
        mine = [u for u in units if u.engine == engine]
        if not mine:
            continue
        folder = state / engine
        folder.mkdir()
        files = {}
        for n, unit in enumerate(mine):
            path = folder / f"unit_{n:03d}.py"
            path.write_text(unit.source, "utf-8")
            files[str(path)] = unit
        out = run_harness(engine, list(files), state)
        for path, unit in files.items():
            results[unit.id] = out.get(path, {"ok": False, "error": "no result"})
    return results


def pytest_terminal_summary(terminalreporter):
    if COUNTS:
        terminalreporter.write_sep("=", "bundle validation")
        for key, value in COUNTS.items():
            terminalreporter.write_line(f"{key}: {value}")
