"""templates/prefect/flow_with_retries.py.j2 (rendered with its examples) run against a temporary
local Prefect server (prefect_test_harness: its own SQLite database, offline, stopped at exit).

argv: RENDERED_FILE FLOW_NAME. The tasks keep the template's retries and retry condition; only the
retry delay is set to 0 (with_options) so the test does not wait for the exponential backoff.
 1. the flow as rendered: the stub rows of every source are loaded;
 2. fetch_rows raises ConnectionError `retries` times per source, then works: every task run
    retries up to its limit and the flow returns the same total;
 3. fetch_rows raises ValueError: no retry (retry_condition_fn), the flow run fails.
Prints results, call counts and the task runs the server recorded (run_count, final state).
"""

import sys

from _common import emit, load, log
from prefect import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.testing.utilities import prefect_test_harness

path, flow_name = sys.argv[1:3]
mod = load(path, "prefect_template")
flow_fn = getattr(mod, flow_name)
facts = {"retries": [mod.extract.retries, mod.load.retries]}
retries = mod.extract.retries
mod.extract = mod.extract.with_options(retry_delay_seconds=0)
mod.load = mod.load.with_options(retry_delay_seconds=0)
original = mod.fetch_rows


def task_runs(state):
    with get_client(sync_client=True) as client:
        flow_run = FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
        runs = client.read_task_runs(flow_run_filter=flow_run)
        return sorted((r.name.rsplit("-", 1)[0], r.run_count, r.state.type.value) for r in runs)


with prefect_test_harness(server_startup_timeout=120):
    log("server up")
    state = flow_fn(return_state=True)
    facts["plain"] = {"state": state.type.value, "result": state.result(), "task_runs": task_runs(state)}
    log(f"plain: {facts['plain']}")

    calls = {}

    def flaky(source):
        calls[source] = calls.get(source, 0) + 1
        if calls[source] <= retries:
            raise ConnectionError(f"{source}: transient failure #{calls[source]}")
        return original(source)

    mod.fetch_rows = flaky
    state = flow_fn(sources=["a", "b"], return_state=True)
    facts["flaky"] = {"state": state.type.value, "result": state.result(), "calls": calls,
                      "task_runs": task_runs(state)}
    log(f"flaky: {facts['flaky']}")

    bad_calls = {}

    def broken(source):
        bad_calls[source] = bad_calls.get(source, 0) + 1
        raise ValueError("schema drift")

    mod.fetch_rows = broken
    state = flow_fn(sources=["a"], return_state=True)
    facts["permanent"] = {"state": state.type.value, "calls": bad_calls, "task_runs": task_runs(state)}
    log(f"permanent: {facts['permanent']}")
emit(facts)
