"""Run inside the Prefect environment: import each file and count its flows."""
import importlib.util
import json
import sys
import traceback


def main():
    from prefect import Flow

    results = {}
    for i, path in enumerate(json.load(sys.stdin)):
        try:
            spec = importlib.util.spec_from_file_location(f"block_{i}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            flows = [k for k, v in vars(module).items() if isinstance(v, Flow)]
            results[path] = {"ok": True, "kind": f"{len(flows)} flow(s)", "flows": flows}
        except BaseException as exc:  # noqa: BLE001
            results[path] = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-2000:]}
    print(json.dumps(results))


main()
