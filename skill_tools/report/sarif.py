"""SARIF 2.1.0, for GitHub code scanning and other viewers."""

from __future__ import annotations

import json
from pathlib import PurePosixPath, Path
from urllib.parse import quote

from .. import __version__
from ..rules import all_rules


def uri(path: str) -> str:
    """A SARIF artifact URI (RFC 3986): `my skill/SKILL.md` -> `my%20skill/SKILL.md`; an
    absolute path becomes a `file://` URI."""
    posix = path.replace("\\", "/")
    if PurePosixPath(posix).is_absolute() or Path(path).is_absolute():
        return Path(path).resolve().as_uri()
    return quote(posix, safe="/")


def render(result) -> str:
    rules = all_rules()
    used = sorted({f.code for f in result.findings})
    index = {code: i for i, code in enumerate(used)}
    descriptors = []
    for code in used:
        rule = rules.get(code)
        descriptors.append({
            "id": code,
            "name": rule.name if rule else code,
            "shortDescription": {"text": rule.summary() if rule else code},
            "fullDescription": {"text": rule.explain() if rule else code},
            "defaultConfiguration": {"level": "error" if not rule or rule.severity == "error" else "warning"},
        })
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": "error" if f.severity == "error" else "warning",
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(f.path)},
                    "region": {"startLine": f.line, "startColumn": f.column},
                }
            }],
        }
        for f in result.findings
    ]
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "skill-lint", "version": __version__,
                                "informationUri": "https://agentskills.io", "rules": descriptors}},
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2) + "\n"
