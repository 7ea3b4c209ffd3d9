"""GitHub Actions workflow commands: annotations on the pull request's lines."""

from __future__ import annotations


def _escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render(result) -> str:
    out = []
    for f in result.findings:
        level = "error" if f.severity == "error" else "warning"
        out.append(
            f"::{level} file={_escape(f.path, True)},line={f.line},col={f.column},"
            f"title={_escape(f'{f.code} {f.rule}', True)}::{_escape(f'{f.code} {f.message}')}"
        )
    return "\n".join(out) + ("\n" if out else "")
