"""Find credentials written into text. Shared by CB030 and the packager's refusal.

Placeholders are fine: ${VAR}, $VAR, <password>, {{ env_var('X') }}, %(x)s, ***, xxx,
os.environ[...], EnvVar(...), $(vault ...). Only literal values are reported.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_KEY_FORMATS = [
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("Stripe live key", re.compile(r"\b[rs]k_live_[0-9a-zA-Z]{10,}")),
    ("private key block", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}")),
    ("Slack token", re.compile(r"\bxox[abprs]-[0-9A-Za-z-]{10,}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}")),
]
# Quantifiers are bounded and keys start at a boundary, so a 100 KB line stays linear.
_URI_PASSWORD = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]{0,30}://([^:/?#@\s\"']{1,200}):([^@/?#\s\"']{1,200})@")
_SECRET_WORD = r"(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret)"
_ASSIGN_QUOTED = re.compile(
    r"(?i)(?<![\w.-])([\w.-]{0,40}?" + _SECRET_WORD + r"[\w.-]{0,40})[\"']?\s{0,10}(?:=|:)\s{0,10}[bru]?([\"'])([^\"'\n]{0,500})\2"
)
_ASSIGN_BARE = re.compile(
    r"(?i)^\s{0,40}-?\s{0,10}([\w.-]{0,40}?" + _SECRET_WORD + r"[\w.-]{0,40})\s{0,10}:\s{0,10}([^\s\"'#][^\s#]{0,500})\s*(?:#.*)?$"
)
_PLACEHOLDER = re.compile(
    r"""^(?:
        \$.*                      # $VAR, ${VAR}, $(vault ...)
      | <[^>]*>                   # <password>
      | \{\{.*\}\}                # {{ env_var('X') }}
      | \{[A-Za-z_][\w.]*\}       # {password} (str.format)
      | %\(.*\)s                  # %(password)s
      | [xX*.•_-]+                # xxx, ***, ...
      | [A-Z][A-Z0-9_]*           # an environment variable's name
      | (?i:.*(?:example|placeholder|changeme|change-me|redacted|your[_-]|dummy|fake|secret_name|env_var).*)
    )$""",
    re.X,
)
# Words that are structure, not values: `token: str`, `password: Optional[str]`, `secret: true`.
_NOT_VALUES = {"str", "string", "none", "null", "true", "false", "optional", "required", "bool", "int", "secretstr",
               "pass", "password", "passwd", "pwd", "pw", "secret", "token"}  # user:password@host in prose


def is_placeholder(value: str) -> bool:
    value = value.strip()
    return not value or bool(_PLACEHOLDER.match(value)) or value.lower() in _NOT_VALUES or len(value) < 4


_NOT_SECRET_KEY = re.compile(
    r"(?i)(?:(?:_|-)(?:path|file|env|name|id|var|url|uri|endpoint|type|field|key_id|length|ttl|count)$"
    r"|(?:password|secret|token|key)s$"  # plurals are counts or collections: "tokens": "+1700"
    r"|(?:max|min|num|total|usage)[_-])"
)


def _secret_key(key: str) -> bool:
    return not _NOT_SECRET_KEY.search(key)


def _secret_value(value: str) -> bool:
    """A literal that could be a credential: not a placeholder, has a letter, 6+ characters."""
    return not is_placeholder(value) and len(value) >= 6 and any(c.isalpha() for c in value)


# Every _SECRET_WORD holds one of these: a line without any cannot assign a secret.
_SECRET_HINT = re.compile(r"(?i)pass|pwd|secret|token|key")


def find_secrets(text: str):
    """Yield (line, column, description) for each credential-looking literal in `text`.

    The patterns never cross a line, so a pattern absent from the whole text is not tried
    line by line: most text has no credential, and most lines no secret word."""
    formats = [(what, rx) for what, rx in _KEY_FORMATS if rx.search(text)]
    uris = "://" in text
    if not (formats or uris or _SECRET_HINT.search(text)):
        return
    for n, line in enumerate(text.split("\n"), start=1):
        for what, rx in formats:
            m = rx.search(line)
            if m:
                yield n, m.start() + 1, f"{what} in plain text"
        if uris:
            for m in _URI_PASSWORD.finditer(line):
                if not is_placeholder(unquote(m.group(2))):  # %3Cpassword%3E is <password>
                    yield n, m.start(2) + 1, "password written into a connection URI"
        if not _SECRET_HINT.search(line):
            continue
        for m in _ASSIGN_QUOTED.finditer(line):
            if _secret_key(m.group(1)) and _secret_value(m.group(3)):
                yield n, m.start(3) + 1, f"literal value for '{m.group(1)}'"
        m = _ASSIGN_BARE.match(line)
        if m and _secret_key(m.group(1)) and _secret_value(m.group(2)) and not m.group(2).startswith(("{", "[", "!")):
            yield n, m.start(2) + 1, f"literal value for '{m.group(1)}'"
