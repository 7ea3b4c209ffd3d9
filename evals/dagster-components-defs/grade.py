"""dagster-components-defs: @dg.definitions + load_from_defs_folder, so defs/ is discovered, not listed."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _grading  # noqa: E402

CHECKS = ["loads", "no_deprecation_warnings", "defs_resolve", "defs_is_definitions_function",
          "customers_asset_found", "new_defs_file_discovered", "materializes"]


def probe(ws, c):
    import importlib

    import dagster as dg

    module = c.load("my_project/definitions.py", name="my_project.definitions")
    c.set("defs_is_definitions_function", lambda: type(module.defs).__name__ == "LazyDefinitions")
    # A file added under defs/ after the answer was written must show up without editing definitions.py.
    (ws / "my_project" / "defs" / "extra_probe.py").write_text(
        "import dagster as dg\n\n@dg.asset\ndef extra_probe() -> int:\n    return 1\n")
    importlib.invalidate_caches()
    defs = c.dagster_defs(module)
    c.no_deprecations()
    if defs is None:
        return
    keys = {k.to_user_string() for k in defs.resolve_all_asset_keys()}
    c.set("customers_asset_found", "customers" in keys)
    c.set("new_defs_file_discovered", "extra_probe" in keys)
    c.set("materializes", lambda: dg.materialize([defs.resolve_assets_def("customers")]).success)


_grading.run(__file__, "dagster", CHECKS, probe)
