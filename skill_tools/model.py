"""The values every layer shares: a finding and a position inside a file."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Hit:
    """What a rule reports: a position in the document and a message.

    `severity` overrides the rule's default when a rule has two (FM006 under a profile).
    """

    line: int
    column: int
    message: str
    severity: str | None = None


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the current directory, POSIX separators
    line: int
    column: int
    code: str
    rule: str
    severity: str
    message: str

    def sort_key(self):
        return (self.path, self.line, self.code, self.column, self.message)

    def as_dict(self):
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
        }
