"""Structure (ST): budgets and shape that keep a skill cheap to load and easy to navigate."""

from __future__ import annotations

import re

from urllib.parse import unquote

from ..model import WARNING, Hit
from . import Rule, register


def estimate_tokens(text: str) -> int:
    """About four characters per token: the usual estimate for English prose and code."""
    return (len(text) + 3) // 4


@register
class BodyTooLong(Rule):
    """The body of SKILL.md is longer than 500 lines (configurable: `budgets.body-lines`).

    SKILL.md is loaded whole whenever the skill fires; detail belongs in references that
    Claude reads on demand.
    """

    code, name = "ST001", "body-too-long"
    bad = "SKILL.md with 900 lines of API reference"
    good = "SKILL.md of 200 lines linking references/api.md"

    def check(self, doc, ctx):
        limit = ctx.budgets["body-lines"]
        if doc.is_skill_md and doc.body_lines > limit:
            yield Hit(doc.body_start + limit, 1, f"SKILL.md body is {doc.body_lines} lines; the budget is {limit}")


@register
class BodyTokenBudget(Rule):
    """The body of SKILL.md is over about 5,000 tokens (estimated at 4 characters a token;
    configurable: `budgets.body-tokens`).

    Every token of SKILL.md costs context in every conversation that uses the skill.
    """

    code, name = "ST002", "body-token-budget"
    severity = WARNING
    bad = "SKILL.md body of 30,000 characters"
    good = "SKILL.md body of 12,000 characters, the rest in references/"

    def check(self, doc, ctx):
        limit = ctx.budgets["body-tokens"]
        if not doc.is_skill_md:
            return
        body = "\n".join(doc.lines[doc.body_start - 1 :])
        tokens = estimate_tokens(body)
        if tokens > limit:
            yield Hit(doc.body_start, 1, f"SKILL.md body is about {tokens} tokens; the budget is {limit}")


@register
class ReferenceTocMissing(Rule):
    """A reference over 100 lines has no table of contents before its first `##` section.

    Claude often previews the top of a long file; a list of in-page links covering every `##`
    heading lets it jump to the right part. A plain bullet list under a `## Contents` heading
    counts too (Anthropic's best-practices example). (Configurable: `budgets.toc-lines`.)
    """

    code, name = "ST003", "reference-toc-missing"
    bad = "# Guide\n\n## One\n...(300 lines)"
    good = "# Guide\n\n- [One](#one)\n- [Two](#two)\n\n## One\n..."

    def check(self, doc, ctx):
        if not doc.rel.startswith("references/") or doc.line_count <= ctx.budgets["toc-lines"]:
            return
        sections = [h for h in doc.headings if h.level == 2]
        if not sections:
            return
        first = sections[0]
        # the table of contents may sit under a `## Contents` heading of its own
        toc_end = sections[1].line if first.slug in ("contents", "table-of-contents") and len(sections) > 1 else first.line
        toc = {unquote(link.target[1:]) for link in doc.links if link.line < toc_end and link.target.startswith("#")}
        missing = [h for h in sections if h.slug not in toc and h.slug not in ("contents", "table-of-contents")]
        if not toc and first.slug in ("contents", "table-of-contents"):
            items = [line for line in doc.lines[first.line:toc_end - 1] if _LIST_ITEM.match(line)]
            if items:
                return  # a plain list of the sections (Anthropic's own example): a table of contents
        if not toc:
            yield Hit(first.line, 1, f"{doc.line_count}-line reference has no table of contents before its first section")
        elif missing:
            names = ", ".join(f"'{h.text}'" for h in missing[:5])
            yield Hit(first.line, 1, f"table of contents misses {len(missing)} section(s): {names}")


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S")


@register
class HeadingIncrement(Rule):
    """A heading is more than one level deeper than the one before it (`#` then `###`).

    Skipped levels break outlines and tables of contents.
    """

    code, name = "ST004", "heading-increment"
    bad = "# Title\n### Detail"
    good = "# Title\n## Detail"

    def check(self, doc, ctx):
        previous = 0
        for h in doc.headings:
            if previous and h.level > previous + 1:
                yield Hit(h.line, 1, f"heading level {h.level} after level {previous}; expected at most {previous + 1}")
            previous = h.level
