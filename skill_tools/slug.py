"""GitHub heading anchors, as github-slugger computes them."""

from __future__ import annotations

import re
import unicodedata

_ASCII_DROPPED = re.compile(r"[^a-z0-9_ \-]")  # what _keep drops, for lowercase ASCII

def _keep(ch: str) -> bool:
    """github-slugger keeps letters, marks, numbers, connector punctuation, `-` and space."""
    if ch in "- ":
        return True
    cat = unicodedata.category(ch)
    return cat[0] in "LMN" or cat == "Pc"


def slugify(text: str) -> str:
    """Lowercase, drop punctuation and symbols, turn each space into `-` (no collapsing)."""
    text = text.lower()
    if text.isascii():
        kept = _ASCII_DROPPED.sub("", text)
    else:
        kept = "".join(ch for ch in text if _keep(ch))
    return kept.replace(" ", "-")


class Slugger:
    """Assigns unique slugs in document order: `foo`, `foo-1`, `foo-2`, with the collision loop."""

    def __init__(self) -> None:
        self.occurrences: dict[str, int] = {}

    def slug(self, text: str) -> str:
        base = slugify(text)
        result = base
        while result in self.occurrences:
            self.occurrences[base] += 1
            result = f"{base}-{self.occurrences[base]}"
        self.occurrences[result] = 0
        return result
