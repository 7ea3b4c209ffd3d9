#!/usr/bin/env python3
"""Print the README's rule table from the rule registry: `python tools/rule_table.py --write`
rewrites it in README.md (tests/test_cli.py checks that they agree)."""

import sys
from pathlib import Path

from skill_tools.rules import all_rules

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "### Rules\n\n", "\n\n`skill-lint --explain CODE`"


def table() -> str:
    rows = ["| code | name | severity | what it checks |", "|---|---|---|---|"]
    for code, rule in all_rules().items():
        summary = rule.summary().replace("|", "\\|")
        rows.append(f"| {code} | {rule.name} | {rule.severity} | {summary} |")
    return "\n".join(rows)


def main() -> int:
    if "--write" in sys.argv:
        text = README.read_text("utf-8")
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        README.write_text(head + START + table() + END + tail, "utf-8")
    else:
        print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
