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
    r"(?i)(?<![\w.-])([\w.-]{0,40}?" + _SECRET_WORD + r"[\w.-]{0,40})[\"']?"
    r"(?:\s{0,10}:\s{0,10}&?[\w.\[\]]{1,30}(?=\s{0,10}=))?"  # a type: `API_TOKEN: &str = "..."`, `token: str = "..."`
    r"\s{0,10}(?:=|:)\s{0,10}[bru]?([\"'])([^\"'\n]{0,500})\2"
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
      | (?i:.*(?:example|placeholder|changeme|change[_-]me|redacted|your[_-]|my[_-]|dummy|fake|secret_name|env_var
               |test|sample|demo|hardcoded|default|development|_here\b|xxx|\.\.\.|…|passw).*)
      | (?i:my).*                 # mypass, my-password
      | -----BEGIN[A-Z ]*(?:-----)?   # the start of a key block, with no key
      | .*[xX*]{6,}.*             # AIzaXXXXXXXXXXXX: a format shown with its letters masked
      | \s*\+.*|.*\+\s*           # " + password + ": the literal is the code around a variable
    )$""",
    re.X,
)
# Documented defaults of the tools' own quick starts (docker-compose, local dev servers): a reader
# who copies them has leaked nothing.
_TOOL_DEFAULTS = {"airflow", "postgres", "admin", "root", "guest", "minioadmin", "dagster", "prefect", "mysql"}
# Words that are structure, not values: `token: str`, `password: Optional[str]`, `secret: true`.
_NOT_VALUES = {"str", "string", "none", "null", "true", "false", "optional", "required", "bool", "int", "secretstr",
               "pass", "password", "passwd", "pwd", "pw", "secret", "token"}  # user:password@host in prose


def is_placeholder(value: str) -> bool:
    value = value.strip()
    return (not value or bool(_PLACEHOLDER.match(value)) or value.lower() in _NOT_VALUES or len(value) < 4
            or value.lower() in _TOOL_DEFAULTS)


_NOT_SECRET_KEY = re.compile(
    r"(?i)(?:(?:_|-)(?:path|file|env|name|id|var|url|uri|endpoint|type|field|key_id|length|ttl|count)$"
    r"|(?:password|secret|token|key)s$"  # plurals are counts or collections: "tokens": "+1700"
    r"|(?:max|min|num|total|usage)[_-])"
)


_KEY_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z0-9]+(?![a-z])")
_SECRET_LAST = {"password", "passwd", "pwd", "secret", "token", "passphrase", "apikey", "pass"}
_KEY_KINDS = {"api", "access", "private", "secret", "signing", "master", "client"}


def _secret_key(key: str) -> bool:
    """The key names a credential: its last word is one (`db_password`, `userPassword`,
    `X-API-Key`), not a property of one (`password_policy`, `token_permissions`, `AccessKeyId`)."""
    if _NOT_SECRET_KEY.search(key):
        return False
    words = [w.lower() for w in _KEY_WORDS.findall(key)]
    if not words:
        return False
    if words[-1] in _SECRET_LAST:
        return True
    return words[-1] == "key" and len(words) > 1 and words[-2] in _KEY_KINDS


def _secret_value(value: str) -> bool:
    """A literal that could be a credential: not a placeholder, has a letter, 6+ characters."""
    return not is_placeholder(value) and len(value) >= 6 and any(c.isalpha() for c in value)


# Every _SECRET_WORD holds one of these: a line without any cannot assign a secret.
_SECRET_HINT = re.compile(r"(?i)pass|pwd|secret|token|key")


# Languages where `name: value` is a declaration (`secret: Vec<u8>`, `token: string`), not data:
# only quoted literals can hold a credential there.
CODE_LANGS = {"rust", "rs", "go", "c", "cpp", "c++", "h", "java", "kotlin", "kt", "swift", "typescript", "ts",
              "tsx", "javascript", "js", "jsx", "python", "py", "ruby", "rb", "php", "csharp", "cs", "scala",
              "solidity", "sol", "move", "cairo", "zig", "haskell", "ocaml", "dart", "graphql", "proto", "protobuf"}
_KEY_BODY = re.compile(r"[A-Za-z0-9+/=]{40,}")


def _real_private_key(text: str, start: int) -> bool:
    """A BEGIN line followed by key material, not a stub (`...\ntest\n-----END`)."""
    return bool(_KEY_BODY.search(text, start, start + 400))


_MASKED = re.compile(r"(?i)example|x{6,}|\*{3,}|\.\.\.|…")  # AKIA...EXAMPLE, AIzaXXXXXX, ASIA...
_EXAMPLE_BEFORE = re.compile(r"(?i)\b(?:example|e\.g\.|for instance)\b")


def find_secrets(text: str, lang: str = "", *, literals: bool = True):
    """Yield (line, column, description) for each credential-looking literal in `text`.

    The patterns never cross a line, so a pattern absent from the whole text is not tried
    line by line: most text has no credential, and most lines no secret word. `lang` is the
    fence language: in a programming language only quoted literals count. With
    `literals=False` (test fixtures) only key formats and connection URIs are reported."""
    formats = [(what, rx) for what, rx in _KEY_FORMATS if rx.search(text)]
    uris = "://" in text
    if not (formats or uris or _SECRET_HINT.search(text)):
        return
    bare = lang.lower() not in CODE_LANGS
    offset = 0
    for n, line in enumerate(text.split("\n"), start=1):
        at, offset = offset, offset + len(line) + 1
        for what, rx in formats:
            m = rx.search(line)
            if not m or _MASKED.search(re.split(r"[\s\"'`,;]", line[m.start():], maxsplit=1)[0]):
                continue
            if _EXAMPLE_BEFORE.search(line, 0, m.start()):  # "Example: AIzaSy..." shows the format
                continue
            if what == "private key block" and not _real_private_key(text.replace("\\n", "\n "), at + m.end()):
                continue
            yield n, m.start() + 1, f"{what} in plain text"
        if uris:
            for m in _URI_PASSWORD.finditer(line):
                if not is_placeholder(unquote(m.group(2))):  # %3Cpassword%3E is <password>
                    yield n, m.start(2) + 1, "password written into a connection URI"
        if not literals or not _SECRET_HINT.search(line):
            continue
        for m in _ASSIGN_QUOTED.finditer(line):
            if _secret_key(m.group(1)) and _secret_value(m.group(3)):
                yield n, m.start(3) + 1, f"literal value for '{m.group(1)}'"
        m = bare and _ASSIGN_BARE.match(line)
        if m and _secret_key(m.group(1)) and _secret_value(m.group(2)) and not m.group(2).startswith(("{", "[", "!")):
            yield n, m.start(2) + 1, f"literal value for '{m.group(1)}'"
