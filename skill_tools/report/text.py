"""`file:line:col: CODE message`, a summary line, and optional statistics."""

from __future__ import annotations

from collections import Counter

_RED, _YELLOW, _BOLD, _RESET = "\033[31m", "\033[33m", "\033[1m", "\033[0m"


def render(result, *, color: bool = False, statistics: bool = False) -> str:
    lines = []
    for f in result.findings:
        code = f.code
        if color:
            code = f"{_RED if f.severity == 'error' else _YELLOW}{code}{_RESET}"
            lines.append(f"{_BOLD}{f.path}:{f.line}:{f.column}:{_RESET} {code} {f.message}")
        else:
            lines.append(f"{f.path}:{f.line}:{f.column}: {code} {f.message}")
    if statistics:
        counts = Counter((f.code, f.rule) for f in result.findings)
        for (code, rule), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"{n:6d}  {code}  {rule}")
        s = result.stats
        lines.append(
            f"{result.files_checked} files in {s.get('skills', 0)} skill(s): {s.get('fences', 0)} code blocks, "
            f"{s.get('python_blocks', 0)} Python ({s.get('fragments', 0)} fragments), {s.get('templates', 0)} templates"
        )
    if result.findings:
        lines.append(f"Found {result.errors} error(s) and {result.warnings} warning(s) in {result.files_checked} files.")
    else:
        lines.append(f"All checks passed ({result.files_checked} files).")
    return "\n".join(lines) + "\n"
