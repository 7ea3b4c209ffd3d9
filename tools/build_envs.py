#!/usr/bin/env python3
"""Build the engine virtual environments used by the integration tests, idempotently.

    python tools/build_envs.py [dagster airflow prefect] [--relock]

Each `envs/<engine>.in` lists the top-level pins; `envs/<engine>.lock` constrains every
transitive dependency to an exact version. An environment is rebuilt only when its pins, its
lock file or the Python version changed (a hash is kept in `.venvs/<engine>/.pins`).
`--relock` rebuilds from the `.in` file alone and rewrites the lock file from `pip freeze`.
Environments are built in parallel; the network is PyPI only, so
`dbt-core-experimental-parser` must come as a wheel (its sdist downloads from GitHub).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENVS = ROOT / "envs"
VENVS = ROOT / ".venvs"
ENGINES = ("dagster", "airflow", "prefect")


def _digest(engine: str, relock: bool) -> str:
    h = hashlib.sha256(sys.version.encode())
    h.update((ENVS / f"{engine}.in").read_bytes())
    if not relock and (ENVS / f"{engine}.lock").exists():
        h.update((ENVS / f"{engine}.lock").read_bytes())
    return h.hexdigest()


def build(engine: str, relock: bool = False) -> str:
    venv = VENVS / engine
    marker = venv / ".pins"
    digest = _digest(engine, relock)
    if not relock and marker.exists() and marker.read_text() == digest and (venv / "bin" / "python").exists():
        return f"{engine}: up to date"
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    cmd = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           "--only-binary", "dbt-core-experimental-parser", "-r", str(ENVS / f"{engine}.in")]
    lock = ENVS / f"{engine}.lock"
    if lock.exists() and not relock:
        cmd += ["-c", str(lock)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"{engine}: pip install failed:\n{tail}")
    if relock:
        frozen = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "freeze", "--exclude-editable"],
                                capture_output=True, text=True, check=True).stdout
        lock.write_text(f"# Exact versions of everything envs/{engine}.in pulls in; regenerate with "
                        f"tools/build_envs.py --relock\n{frozen}")
        digest = _digest(engine, False)
    marker.write_text(digest)
    return f"{engine}: built in {time.monotonic() - start:.0f} s"


def main(argv: list[str]) -> int:
    relock = "--relock" in argv
    engines = [a for a in argv if not a.startswith("-")] or list(ENGINES)
    unknown = set(engines) - set(ENGINES)
    if unknown:
        print(f"unknown engine(s): {', '.join(sorted(unknown))}; choose from {', '.join(ENGINES)}", file=sys.stderr)
        return 2
    VENVS.mkdir(exist_ok=True)
    with ThreadPoolExecutor(max_workers=len(engines)) as pool:
        for line in pool.map(lambda e: build(e, relock), engines):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
