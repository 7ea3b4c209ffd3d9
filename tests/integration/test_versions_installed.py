"""What is installed in each engine environment is exactly what envs/<engine>.lock says."""

from __future__ import annotations

import subprocess

import pytest

from .bundle import ENGINES, ROOT, python_of


@pytest.mark.parametrize("engine", ENGINES)
def test_installed_versions_equal_the_lock(engine, engines):
    frozen = subprocess.run([str(python_of(engine)), "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True, timeout=120).stdout
    installed = {l.split("==")[0].lower(): l.split("==")[1] for l in frozen.splitlines() if "==" in l}
    lock = {}
    for line in (ROOT / "envs" / f"{engine}.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            lock[name.lower()] = version
    assert installed == lock
