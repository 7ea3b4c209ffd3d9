"""Integration tests run the bundle's code in the pinned engine environments (.venvs/,
built by tools/build_envs.py). A missing environment is a failure, not a skip."""

from __future__ import annotations

import json

import pytest

from .bundle import (ENGINES, collect, place_dbt_projects, prepare_dbt_project, provide_titled_modules, python_of,
                     run_harness)

collect_ignore = ["e2e_scripts"]  # scripts run by test_e2e.py in the engine environments

COUNTS: dict = {}
# End-to-end runs, appended by test_e2e.py: {"engine", "name", "ok", "seconds"}.
E2E_RUNS: list = []


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
def dbt_project(engines, tmp_path_factory):
    """tests/fixtures/jaffle_dbt copied to a temp folder with target/manifest.json (`dbt parse`)."""
    return prepare_dbt_project(tmp_path_factory.mktemp("dbt_fixture"))


@pytest.fixture(scope="session")
def block_results(engines, dbt_project, tmp_path_factory):
    """Every non-fragment unit, loaded by its engine's harness: {unit id: result}.

    Each unit is written unmodified to <state>/<engine>/unit_NNN.py, next to a prepared dbt
    project at every path the bundle uses (DBT_PROJECT_DIRS); titled blocks (```python
    title="plugins/x.py"```) are also written where other blocks import them from."""
    units = [u for u in collect() if not u.fragment]
    state = tmp_path_factory.mktemp("engines")
    provide_titled_modules(units, state)
    results = {}
    for engine in ENGINES:
        mine = [u for u in units if u.engine == engine]
        if not mine:
            continue
        folder = state / engine
        folder.mkdir()
        place_dbt_projects(folder, dbt_project)
        files = {}
        for n, unit in enumerate(mine):
            path = folder / f"unit_{n:03d}.py"
            path.write_text(unit.source, "utf-8")
            files[str(path)] = unit
        out = run_harness(engine, list(files), state)
        for path, unit in files.items():
            results[unit.id] = out.get(path, {"ok": False, "error": "no result"})
    return results


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item: test_e2e's fixture marks its runs passed or failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def pytest_terminal_summary(terminalreporter):
    if E2E_RUNS:
        by_engine = {e: sum(1 for r in E2E_RUNS if r["engine"] == e and r["ok"]) for e in ENGINES}
        COUNTS["e2e runs passed"] = f"{sum(r['ok'] for r in E2E_RUNS)} of {len(E2E_RUNS)}"
        COUNTS["e2e by engine"] = json.dumps(by_engine)
        COUNTS["e2e seconds"] = json.dumps({r["name"]: round(r["seconds"], 1) for r in E2E_RUNS})
    if COUNTS:
        terminalreporter.write_sep("=", "bundle validation")
        for key, value in COUNTS.items():
            terminalreporter.write_line(f"{key}: {value}")
