"""Files and suppressions (IO, SL): problems with the files themselves and with the
`skill-lint-disable` comments that silence other rules. SL rules are applied by the engine
after every other rule has run, since only then is it known what a comment suppressed.
"""

from __future__ import annotations

from ..model import WARNING, Hit
from . import SKILL, Rule, register


@register
class FileNotUtf8(Rule):
    """A text file of the skill is not valid UTF-8 (reported at the first bad byte).

    Clients read skills as UTF-8; other encodings show as mojibake or fail to load. The rest
    of the file is still checked, with the bad bytes replaced.
    """

    code, name = "IO001", "file-not-utf8"
    kinds = ("markdown", "template", "python", "yaml", "json", "toml", "shell")
    bad = "references/notes.md saved as Latin-1"
    good = "references/notes.md saved as UTF-8"

    def check(self, doc, ctx):
        if doc.decode_error and not doc.binary:  # binary files get IO002 alone
            line, col, msg = doc.decode_error
            yield Hit(line, col, msg)


@register
class BinaryTextFile(Rule):
    """A file that should be text (Markdown, template, script) contains binary data (NUL bytes).

    It is not checked further.
    """

    code, name = "IO002", "binary-text-file"
    kinds = ("markdown", "template", "python", "yaml", "json", "toml", "shell")
    bad = "references/guide.md that is really a PDF"
    good = "assets/guide.pdf linked from references/guide.md"

    def check(self, doc, ctx):
        if doc.binary:
            yield Hit(1, 1, "binary data in a text file; it was not checked")


@register
class SymlinkOutsideSkill(Rule):
    """A symbolic link in the skill points outside the skill folder, or loops.

    skill-lint never follows it; packaged or installed, it points nowhere or leaks files.
    """

    code, name = "IO003", "symlink-outside-skill"
    scope = SKILL
    bad = "references/shared.md -> ../../shared/notes.md"
    good = "references/shared.md as a real file"

    def check(self, skill, ctx):
        for rel, reason in getattr(skill, "bad_links", ()):
            yield rel, Hit(1, 1, reason)


@register
class SpecialFile(Rule):
    """A file in the skill is not a regular file: a named pipe, a socket or a device.

    Reading one can block forever; skill-lint never opens it, and it cannot be packaged.
    """

    code, name = "IO004", "special-file"
    scope = SKILL
    bad = "references/feed.md created with mkfifo"
    good = "references/feed.md as a regular file"

    def check(self, skill, ctx):
        for rel, reason in getattr(skill, "special_files", ()):
            yield rel, Hit(1, 1, reason)


@register
class UnusedSuppression(Rule):
    """A `skill-lint-disable` comment suppresses nothing (like ruff's RUF100).

    Stale suppressions hide the next real problem at that place; delete them.
    """

    code, name = "SL001", "unused-suppression"
    scope = SKILL
    bad = "<!-- skill-lint-disable-next-line LK001 -->\n[ok](references/exists.md)"
    good = "[ok](references/exists.md)"

    def check(self, skill, ctx):  # applied by the engine
        return ()


@register
class SuppressionWithoutReason(Rule):
    """A `skill-lint-disable` comment gives no reason.

    Write why beside the codes: `<!-- skill-lint-disable CB013 -- migration table shows the
    old import -->`. A reason lets the next reader judge whether it still holds.
    """

    code, name = "SL002", "suppression-without-reason"
    scope = SKILL
    severity = WARNING
    bad = "<!-- skill-lint-disable CB013 -->"
    good = "<!-- skill-lint-disable CB013 -- the migration table shows Airflow 2 imports -->"

    def check(self, skill, ctx):
        for rel, facts in skill.files.items():
            for s in facts.ranges:
                if not s.reason:
                    yield rel, Hit(s.line, 1, f"skill-lint-{s.action} without a reason; add one after '--'")
