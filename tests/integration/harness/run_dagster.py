"""Run inside the Dagster environment: load each file as a module and validate its definitions.

Input (stdin): JSON list of file paths. Output (stdout, last line): JSON {path: result}.
A file that defines `defs` (a Definitions) is validated with Definitions.validate_loadable;
otherwise every module-level Dagster definition is collected into a Definitions and validated.
"""
import importlib.util
import json
import sys
import traceback


def load(path, index):
    spec = importlib.util.spec_from_file_location(f"block_{index}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main():
    import dagster as dg

    results = {}
    for i, path in enumerate(json.load(sys.stdin)):
        try:
            module = load(path, i)
            defs = getattr(module, "defs", None)
            kind = "definitions"
            if not isinstance(defs, dg.Definitions):
                objs = [v for v in vars(module).values() if isinstance(v, (
                    dg.AssetsDefinition, dg.AssetChecksDefinition, dg.JobDefinition,
                    dg.ScheduleDefinition, dg.SensorDefinition, dg.AssetSpec))]
                if not objs:
                    results[path] = {"ok": True, "kind": "import"}
                    continue
                defs = dg.Definitions(
                    assets=[o for o in objs if isinstance(o, (dg.AssetsDefinition, dg.AssetSpec))],
                    asset_checks=[o for o in objs if isinstance(o, dg.AssetChecksDefinition)],
                    jobs=[o for o in objs if isinstance(o, dg.JobDefinition)],
                    schedules=[o for o in objs if isinstance(o, dg.ScheduleDefinition)],
                    sensors=[o for o in objs if isinstance(o, dg.SensorDefinition)],
                )
                kind = "collected definitions"
            dg.Definitions.validate_loadable(defs)
            results[path] = {"ok": True, "kind": kind}
        except BaseException as exc:  # noqa: BLE001
            results[path] = {"ok": False, "error": f"{type(exc).__name__}: {exc}",
                             "trace": traceback.format_exc()[-2000:]}
    print(json.dumps(results))


main()
