"""The stable JSON contract: version 1."""

from __future__ import annotations

import json

from .. import __version__


def document(result) -> dict:
    return {
        "version": 1,
        "tool": {"name": "skill-lint", "version": __version__},
        "files_checked": result.files_checked,
        "findings": [f.as_dict() for f in result.findings],
        "summary": {"errors": result.errors, "warnings": result.warnings},
    }


def render(result) -> str:
    return json.dumps(document(result), indent=2) + "\n"
