"""Shared by every evals/<scenario>/grade.py. Standard library only.

A grader is run with any Python 3.11+ as `python grade.py ANSWER_DIR`. It copies the workspace to a
temporary folder and runs itself again in the scenario's pinned engine environment
(.venvs/<engine>/bin/python, built by tools/build_envs.py) in "probe mode", with temporary
DAGSTER_HOME / AIRFLOW_HOME / DLT_DATA_DIR / PREFECT_HOME, no network (sockets to anything but
loopback are refused) and a timeout. The probe runs the answer and records named boolean checks.
The grader prints ONE JSON object {"scenario": name, "checks": {check: bool}}: a missing file, a syntax error, an import error,
a crash or a hang only turn checks false. Diagnostics go to stderr.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "EVAL_PROBE_RESULT "
PROBE_ENV = "SKILL_EVAL_PROBE"
DEFAULT_TIMEOUT = int(os.environ.get("SKILL_EVAL_TIMEOUT", "300"))


def engine_python(engine: str) -> Path:
    venvs = Path(os.environ.get("SKILL_EVAL_VENVS", ROOT / ".venvs"))
    return venvs / engine / "bin" / "python"


# ---------------------------------------------------------------- probe side (engine environment)

def _block_network() -> None:
    """Refuse every connection that does not go to loopback (or a Unix socket)."""
    import socket

    def allowed(address) -> bool:
        if isinstance(address, (str, bytes)):
            return True  # AF_UNIX
        host = str(address[0])
        return host in ("localhost", "::1", "0.0.0.0") or host.startswith("127.")

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address):
        if not allowed(address):
            raise OSError(f"network disabled by the eval grader: {address}")
        return real_connect(self, address)

    def connect_ex(self, address):
        if not allowed(address):
            return 111  # ECONNREFUSED
        return real_connect_ex(self, address)

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost", "::1", "0.0.0.0") and not str(host).startswith("127."):
            raise socket.gaierror(f"network disabled by the eval grader: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo


def _is_deprecation(category) -> bool:
    name = category.__name__
    return issubclass(category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning)) or any(
        word in name for word in ("Deprecat", "Removed", "Supersession"))


class Checks:
    """The probe's record: checks[name] = bool, errors[name] = why it is false."""

    def __init__(self, workspace: Path):
        self.ws = workspace
        self.checks: dict = {}
        self.errors: dict = {}
        self.deprecations: list = []
        self.output = io.StringIO()  # what the answer printed while probed (stdout and stderr)

    def set(self, name: str, value) -> bool:
        try:
            self.checks[name] = bool(value() if callable(value) else value)
        except BaseException as exc:  # noqa: BLE001 - a crash is a failed check
            self.checks[name] = False
            self.errors[name] = f"{type(exc).__name__}: {exc}"
        return self.checks[name]

    @contextlib.contextmanager
    def capture(self):
        """Record warnings and output of the answer's code (import or run)."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out, err = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    yield
            finally:
                self.output.write(out.getvalue() + err.getvalue())
                self.deprecations += [f"{w.category.__name__}: {w.message}" for w in caught
                                      if _is_deprecation(w.category)]

    def load(self, rel: str, check: str = "loads", name: str | None = None):
        """Import WORKSPACE/rel as a module; check = it imported. Returns the module or None."""
        path = self.ws / rel
        module_name = name or Path(rel).stem
        try:
            if not path.is_file():
                raise FileNotFoundError(f"{rel} not written")
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            with self.capture():
                spec.loader.exec_module(module)
        except BaseException as exc:  # noqa: BLE001
            self.checks[check] = False
            self.errors[check] = f"{type(exc).__name__}: {exc}"
            return None
        self.checks[check] = True
        return module

    def source(self, rel: str) -> str:
        try:
            return (self.ws / rel).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return ""

    def tree(self, rel: str):
        try:
            return ast.parse(self.source(rel))
        except (SyntaxError, ValueError):
            return None


    def no_deprecations(self, after: str = "loads") -> bool:
        """check no_deprecation_warnings: the answer loaded and the engine warned of nothing deprecated."""
        return self.set("no_deprecation_warnings", self.checks.get(after) is True and not self.deprecations)

    # ------------------------------------------------------------ engine helpers (probe side)

    def dagster_defs(self, module, check: str = "defs_resolve"):
        """The module's `defs` as a resolved dagster.Definitions (a @dg.definitions function is called)."""
        import dagster as dg

        def resolve():
            obj = getattr(module, "defs", None)
            if obj is not None and not isinstance(obj, dg.Definitions) and callable(obj):
                with self.capture():
                    obj = obj()
            if not isinstance(obj, dg.Definitions):
                raise TypeError(f"defs is {type(obj).__name__}, not dagster.Definitions")
            with self.capture():
                obj.resolve_asset_graph()
            return obj

        try:
            defs = resolve() if module is not None else None
        except BaseException as exc:  # noqa: BLE001
            self.checks[check], self.errors[check] = False, f"{type(exc).__name__}: {exc}"
            return None
        self.checks[check] = defs is not None
        return defs

    def airflow_dags(self, rel: str, check: str = "loads") -> dict:
        """Parse WORKSPACE/rel with a DagBag; check = no import errors and at least one DAG."""
        from airflow.dag_processing.dagbag import DagBag

        path = self.ws / rel
        try:
            if not path.is_file():
                raise FileNotFoundError(f"{rel} not written")
            with self.capture():
                bag = DagBag(dag_folder=str(path), safe_mode=False)
            for warns in getattr(bag, "captured_warnings", {}).values():  # DagBag records warnings itself
                self.deprecations += [w for w in warns if "Deprecat" in w or "FutureWarning" in w or "removed" in w]
            if bag.import_errors:
                raise ImportError(json.dumps(bag.import_errors)[-1500:])
            if not bag.dags:
                raise LookupError(f"no DAG in {rel}")
        except BaseException as exc:  # noqa: BLE001
            self.checks[check], self.errors[check] = False, f"{type(exc).__name__}: {exc}"
            return {}
        self.checks[check] = True
        return dict(bag.dags)

    @staticmethod
    def airflow_cron(dag) -> tuple:
        """(cron expression, timezone name) of a DAG's cron timetable, else (None, None)."""
        tt = dag.timetable
        expr = getattr(tt, "expression", None) or getattr(tt, "_expression", None)
        tz = getattr(tt, "timezone", None) or getattr(tt, "_timezone", None)
        name = getattr(tz, "name", None) or str(tz)
        return expr, ("UTC" if name in ("UTC", "Etc/UTC", "Timezone('UTC')") else name)

    def airflow_test(self, dag, **kwargs):
        """dag.test() with retries off (a failing task fails at once); returns the DagRun state as a string."""
        from airflow.settings import configure_orm

        for t in dag.tasks:
            t.retries = 0
        configure_orm()
        with self.capture():
            run = dag.test(**kwargs)
        return str(run.state)


def _probe_main(grader_file: str, probe) -> None:
    _block_network()
    workspace = Path(sys.argv[1])
    c = Checks(workspace)
    os.chdir(workspace)
    sys.path.insert(0, str(workspace))
    if os.environ.get("SKILL_EVAL_ENGINE") == "airflow":
        # Airflow routes warnings to logging (logging.captureWarnings) when first imported; import it
        # before the answer so Checks.capture still records them.
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            import airflow  # noqa: F401
    try:
        probe(workspace, c)
    except BaseException:  # noqa: BLE001
        c.errors["probe"] = traceback.format_exc()[-3000:]
    sys.stdout.flush()
    sys.__stdout__.write("\n" + MARKER + json.dumps({"checks": c.checks, "errors": c.errors,
                                                       "deprecations": c.deprecations[:20]}) + "\n")
    sys.__stdout__.flush()
    os._exit(0)  # skip engine atexit hooks and lingering threads


# ---------------------------------------------------------------- host side

def _engine_env(state: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "DAGSTER", "PREFECT", "DLT"))}
    for var in ("DAGSTER_HOME", "AIRFLOW_HOME", "DLT_DATA_DIR", "PREFECT_HOME"):
        folder = state / var.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[var] = str(folder)
    env.update({
        PROBE_ENV: "1",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{state}/airflow_home/airflow.db",
        "AIRFLOW__CORE__DAGS_FOLDER": str(state / "ws" / "dags"),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DO_NOT_TRACK": "1",
        "PREFECT_API_URL": "",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
        "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
        "NO_PROXY": "localhost,127.0.0.1", "no_proxy": "localhost,127.0.0.1",
    })
    return env


def _airflow_template(python: Path) -> Path:
    """A migrated SQLite metadata database, built once per engine environment and copied per grade."""
    import hashlib

    key = hashlib.sha256(str(python.resolve()).encode()).hexdigest()[:12]
    cache = Path(tempfile.gettempdir()) / f"skill-evals-{os.getuid()}" / f"airflow-{key}.db"
    if cache.is_file():
        return cache
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="eval-airflow-db-", dir=cache.parent) as tmp:
        state = Path(tmp)
        env = _engine_env(state)
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{state}/airflow.db"
        env.pop(PROBE_ENV)
        proc = subprocess.run([str(python.parent / "airflow"), "db", "migrate"], env=env, cwd=state,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed: {proc.stderr[-2000:]}")
        os.replace(state / "airflow.db", cache)  # atomic: a concurrent grader sees all or nothing
    return cache


def grade(grader_file: str, engine: str, checks: list, workspace: str, timeout: int = DEFAULT_TIMEOUT) -> tuple:
    """(checks dict, diagnostics str) for one workspace."""
    result = {name: False for name in checks}
    ws = Path(workspace)
    if not ws.is_dir():
        return result, f"workspace {ws} is not a folder"
    python = engine_python(engine)
    if not python.exists():
        return result, f"engine environment missing: {python}; run: python tools/build_envs.py {engine}"
    with tempfile.TemporaryDirectory(prefix=f"eval-{engine}-") as tmp:
        state = Path(tmp)
        copy = state / "ws"
        try:
            shutil.copytree(ws, copy, symlinks=True, ignore=shutil.ignore_patterns(".claude", "__pycache__", ".git"))
        except (OSError, shutil.Error) as exc:
            return result, f"cannot copy workspace: {exc}"
        env = _engine_env(state)
        env["SKILL_EVAL_ENGINE"] = engine
        if engine == "airflow":
            shutil.copyfile(_airflow_template(python), state / "airflow_home" / "airflow.db")
        env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(python.parents[1])
        try:
            proc = subprocess.Popen([str(python), str(Path(grader_file).resolve()), str(copy)], cwd=copy, env=env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, errors="replace", start_new_session=True)
        except OSError as exc:
            return result, f"cannot start {python}: {exc}"
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return result, f"probe timed out after {timeout} s"
        finally:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)  # children the answer left behind
    lines = [ln for ln in out.splitlines() if ln.startswith(MARKER)]
    if not lines:
        return result, f"probe exited {proc.returncode} without a result\n{err[-3000:]}"
    try:
        data = json.loads(lines[-1][len(MARKER):])
    except json.JSONDecodeError as exc:
        return result, f"unreadable probe result: {exc}"
    for name in checks:
        result[name] = data.get("checks", {}).get(name) is True
    diag = json.dumps({"errors": data.get("errors", {}), "deprecations": data.get("deprecations", [])}, indent=1)
    return result, diag


def run(grader_file: str, engine: str, checks: list, probe) -> None:
    """The entry point of every grade.py."""
    if os.environ.get(PROBE_ENV) == "1":
        _probe_main(grader_file, probe)
        return
    if len(sys.argv) != 2:
        print(f"usage: {Path(grader_file).name} ANSWER_DIR", file=sys.stderr)
        sys.exit(2)
    try:
        result, diag = grade(grader_file, engine, checks, sys.argv[1])
    except Exception as exc:  # noqa: BLE001 - never a traceback
        result, diag = {name: False for name in checks}, f"grader error: {type(exc).__name__}: {exc}"
    if diag and os.environ.get("SKILL_EVAL_QUIET") != "1":
        print(diag, file=sys.stderr)
    print(json.dumps({"scenario": Path(grader_file).resolve().parent.name, "checks": result}))
