"""Shared by the end-to-end scripts; runs in an engine environment (not the dev venv)."""

import importlib.util
import json
import sys
import time
from pathlib import Path

T0 = time.time()


def log(msg: str) -> None:
    print(f"[{time.time() - T0:6.1f}s] {msg}", flush=True)


def load(path, name: str):
    """Import a file as module `name` (registered in sys.modules: dlt and dagster look modules up)."""
    spec = importlib.util.spec_from_file_location(name, Path(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def emit(facts: dict) -> None:
    """The last stdout line is the JSON the test asserts on."""
    print(json.dumps(facts, default=str), flush=True)
