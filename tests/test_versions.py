"""The versions in the pins (envs/*.in, *.lock), in SKILL.md and in every reference's
"Verified against" header agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VERSION = re.compile(r"\b([A-Za-z][A-Za-z0-9-]*)\s+v?(\d+\.\d+(?:\.\d+)?)(?:\.x)?\b")
NOT_PACKAGES = {"python", "cli", "databricks", "node"}  # "Databricks CLI v1.13.0" is not a Python package


def locked() -> dict:
    pins = {}
    for lock in (ROOT / "envs").glob("*.lock"):
        for line in lock.read_text().splitlines():
            if "==" in line and not line.startswith("#"):
                name, version = line.split("==", 1)
                pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def top_level_pins() -> dict:
    pins = {}
    for spec in (ROOT / "envs").glob("*.in"):
        for line in spec.read_text().splitlines():
            m = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;]+)", line)
            if m:
                pins[m.group(1).lower()] = m.group(2)
    return pins


def resolve(name: str, pins: dict):
    name = name.lower()
    for candidate in (name, f"apache-airflow-providers-{name}", f"apache-airflow-{name}", f"apache-{name}",
                      f"astronomer-{name}"):
        if candidate in pins:
            return candidate
    return None


def claims(text: str) -> list:
    """(package, version) pairs written like 'dagster 1.13.27' or 'Airflow 3.3.2'."""
    return [(m.group(1), m.group(2)) for m in VERSION.finditer(text) if m.group(1).lower() not in NOT_PACKAGES]


def header(path: Path) -> str:
    lines = path.read_text("utf-8").splitlines()
    quote = []
    for line in lines[1:]:
        if line.startswith(">"):
            quote.append(line)
        elif quote:
            break
    return " ".join(quote)


REFERENCES = sorted((ROOT / "references").glob("*.md"))


def test_top_level_pins_are_exact_and_locked():
    pins, lock = top_level_pins(), locked()
    assert {"dagster", "apache-airflow", "prefect", "dlt", "dbt-core", "astronomer-cosmos"} <= set(pins)
    for name, version in pins.items():
        assert lock.get(name) == version, f"{name}: .in pins {version}, lock has {lock.get(name)}"


@pytest.mark.parametrize("path", REFERENCES + [ROOT / "SKILL.md"], ids=lambda p: p.name)
def test_versions_named_in_the_bundle_match_the_pins(path):
    lock = locked()
    text = header(path) if path.parent.name == "references" else path.read_text("utf-8").split("## Principles")[0]
    if path.parent.name == "references":
        assert text.startswith("> Verified against:"), f"{path.name} must start with a 'Verified against' line"
    found = claims(text)
    assert found, f"{path.name} names no versions"
    for name, version in found:
        package = resolve(name, lock)
        assert package, f"{path.name}: '{name} {version}' is not a pinned package"
        assert lock[package] == version or lock[package].startswith(version + "."), \
            f"{path.name}: says {name} {version}, pinned {package}=={lock[package]}"


def test_a_wrong_version_is_caught():
    lock = locked()
    (name, version), = claims("> Verified against: dagster 1.12.9 on 2026-11-25")
    package = resolve(name, lock)
    assert package == "dagster" and lock[package] != version
    assert resolve("common-sql", lock) == "apache-airflow-providers-common-sql"
    assert resolve("not-a-package", lock) is None
