"""Frontmatter of SKILL.md (FM): the fields the Agent Skills specification defines."""

from __future__ import annotations

import re

import yaml

from ..model import WARNING, Hit
from . import Rule, register

SPEC_FIELDS = ("name", "description", "license", "compatibility", "metadata", "allowed-tools")
CLAUDE_CODE_FIELDS = (
    "when_to_use",
    "argument-hint",
    "disable-model-invocation",
    "user-invocable",
    "model",
    "effort",
    "context",
    "agent",
    "hooks",
    "paths",
    "shell",
)
RESERVED_WORDS = ("anthropic", "claude")
NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
XML_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
TRIGGER = re.compile(
    r"\b(use (?:it |this |this skill )?(?:immediately |only |right )?(?:when|for|to|if|whenever|before|after|during|on)|"
    r"when (?:the user|you|a user|asked|working|writing|building|choosing)|"
    r"triggers?|triggered|invoke|applies when|activate)\b",
    re.I,
)


class FrontmatterRule(Rule):
    """Base: reads the frontmatter of SKILL.md only."""

    def check(self, doc, ctx):
        if not doc.is_skill_md:
            return
        fm = doc.frontmatter
        if self.needs_data and not isinstance(fm.data, dict):
            return
        yield from self.check_frontmatter(doc, fm, ctx)

    needs_data = True


@register
class FrontmatterMissing(FrontmatterRule):
    """SKILL.md does not start with a `---` frontmatter block on line 1.

    Claude reads `name` and `description` from the frontmatter to decide when to load the
    skill; without it the skill is never picked. A UTF-8 byte order mark before the `---`
    hides the block from strict parsers, so it is reported here too.
    """

    code, name = "FM001", "frontmatter-missing"
    needs_data = False
    bad = "# My skill\n\nname: my-skill"
    good = "---\nname: my-skill\ndescription: Builds X. Use when the user asks for X.\n---\n# My skill"

    def check_frontmatter(self, doc, fm, ctx):
        if doc.has_bom:
            yield Hit(1, 1, "UTF-8 byte order mark before the frontmatter; save the file without a BOM")
        if not fm.present:
            yield Hit(1, 1, "SKILL.md must start with a '---' frontmatter block on line 1")


@register
class FrontmatterUnclosed(FrontmatterRule):
    """The frontmatter block opened with `---` is never closed by a second `---` line.

    Everything after the opening line would be read as YAML, or the whole file ignored.
    """

    code, name = "FM002", "frontmatter-unclosed"
    needs_data = False
    bad = "---\nname: my-skill\n# My skill"
    good = "---\nname: my-skill\n---\n# My skill"

    def check_frontmatter(self, doc, fm, ctx):
        if fm.present and not fm.closed:
            yield Hit(1, 1, "frontmatter opened on line 1 is never closed with '---'")


@register
class FrontmatterYamlError(FrontmatterRule):
    """The frontmatter is not valid YAML (reported at the line of the error).

    An unquoted value containing `: ` is the most common cause: quote the value or use a
    folded block (`description: >`).
    """

    code, name = "FM003", "frontmatter-yaml-error"
    needs_data = False
    bad = "---\nname: my-skill\ndescription: Use when: the user asks\n---"
    good = "---\nname: my-skill\ndescription: \"Use when: the user asks\"\n---"

    def check_frontmatter(self, doc, fm, ctx):
        err = fm.error
        if err:
            hint = "; quote the value" if "mapping values" in err.message else ""
            yield Hit(err.line, err.column, f"frontmatter is not valid YAML: {err.message}{hint}")


@register
class FrontmatterNotMapping(FrontmatterRule):
    """The frontmatter is valid YAML but not a mapping of fields.

    A list or a bare string has no `name` or `description` for Claude to read.
    """

    code, name = "FM004", "frontmatter-not-mapping"
    needs_data = False
    bad = "---\n- name: my-skill\n---"
    good = "---\nname: my-skill\n---"

    def check_frontmatter(self, doc, fm, ctx):
        if fm.closed and fm.error is None and not isinstance(fm.data, dict):
            kind = "empty" if fm.data is None else type(fm.data).__name__
            yield Hit(fm.start + 1, 1, f"frontmatter must be a mapping of fields, not {kind}")


@register
class FrontmatterDuplicateKey(FrontmatterRule):
    """A key appears twice in the frontmatter.

    YAML loaders disagree: PyYAML keeps the last value, others keep the first or fail, so
    what Claude sees depends on the client.
    """

    code, name = "FM005", "frontmatter-duplicate-key"
    bad = "---\nname: a\nname: b\n---"
    good = "---\nname: a\n---"

    def check_frontmatter(self, doc, fm, ctx):
        for key, line in fm.duplicates:
            yield Hit(line, 1, f"duplicate key '{key}' in frontmatter")


@register
class FrontmatterUnknownField(FrontmatterRule):
    """A top-level field the Agent Skills specification does not define.

    claude.ai and the API reject a skill whose frontmatter has other fields than name,
    description, license, compatibility, metadata and allowed-tools. Claude Code accepts its
    own extension fields (when_to_use, argument-hint, model, effort, context, agent, hooks,
    paths, shell, ...): `--profile claude-code` accepts them; with the default `spec` profile
    they are errors. Put custom data under `metadata`.
    """

    code, name = "FM006", "frontmatter-unknown-field"
    bad = "---\nname: my-skill\ndescription: ...\nversion: 1.0\n---"
    good = "---\nname: my-skill\ndescription: ...\nmetadata:\n  version: \"1.0\"\n---"

    def check_frontmatter(self, doc, fm, ctx):
        for key in fm.data:
            if key in SPEC_FIELDS:
                continue
            line = fm.line_of(str(key))
            if key in CLAUDE_CODE_FIELDS and ctx.profile == "claude-code":
                continue  # the profile says the skill is for Claude Code, which reads these fields
            if key in CLAUDE_CODE_FIELDS:
                yield Hit(line, 1, f"'{key}' is a Claude Code extension, not in the spec (use --profile claude-code to allow it)")
            else:
                yield Hit(line, 1, f"unknown frontmatter field '{key}'; allowed: {', '.join(SPEC_FIELDS)}")


@register
class NameMissing(FrontmatterRule):
    """The frontmatter has no `name`.

    The name identifies the skill and must equal its folder's name.
    """

    code, name = "FM010", "name-missing"
    bad = "---\ndescription: ...\n---"
    good = "---\nname: my-skill\ndescription: ...\n---"

    def check_frontmatter(self, doc, fm, ctx):
        if "name" not in fm.data or fm.data["name"] in (None, ""):
            yield Hit(fm.line_of("name") if "name" in fm.data else fm.start, 1, "frontmatter has no 'name'")


@register
class NameInvalid(FrontmatterRule):
    """`name` is not 1-64 characters of a-z, 0-9 and single hyphens.

    The specification allows lowercase ASCII letters, digits and hyphens, with no leading,
    trailing or doubled hyphen; clients use the name in paths and commands.
    """

    code, name = "FM011", "name-invalid"
    bad = "name: My_Skill--v2"
    good = "name: my-skill-v2"

    def check_frontmatter(self, doc, fm, ctx):
        value = fm.data.get("name")
        if value in (None, ""):
            return
        line = fm.line_of("name")
        if not isinstance(value, str):
            yield Hit(line, 1, f"'name' must be a string, not {type(value).__name__}")
        elif len(value) > 64:
            yield Hit(line, 1, f"'name' is {len(value)} characters; the limit is 64")
        elif not NAME_RE.match(value):
            yield Hit(line, 1, f"'name' {value!r} must be lowercase a-z, 0-9 and single hyphens, not starting or ending with '-'")


@register
class NameReservedWord(FrontmatterRule):
    """`name` contains a reserved word (`anthropic`, `claude`).

    Uploads to claude.ai and the API refuse such names.
    """

    code, name = "FM012", "name-reserved-word"
    bad = "name: claude-helper"
    good = "name: pipeline-helper"

    def check_frontmatter(self, doc, fm, ctx):
        value = fm.data.get("name")
        if isinstance(value, str):
            for word in RESERVED_WORDS:
                if word in value.lower():
                    yield Hit(fm.line_of("name"), 1, f"'name' contains the reserved word '{word}'")


@register
class NameDirectoryMismatch(FrontmatterRule):
    """`name` differs from the name of the folder that holds SKILL.md.

    Clients install a skill under its folder name and look it up by `name`; when they differ
    the skill cannot be found after installation. A skill at the root of a git checkout is
    exempt: its folder is named by whoever clones it, and `skill-tools package` names the
    installed folder after `name`.
    """

    code, name = "FM013", "name-directory-mismatch"
    bad = "skills/pdf-tools/SKILL.md with name: pdf"
    good = "skills/pdf-tools/SKILL.md with name: pdf-tools"

    def check_frontmatter(self, doc, fm, ctx):
        value = fm.data.get("name")
        folder = doc.skill_dir_name
        if isinstance(value, str) and value and folder and value != folder:
            yield Hit(fm.line_of("name"), 1, f"'name' is {value!r} but the folder is {folder!r}")


def _description(fm):
    value = fm.data.get("description")
    return value if isinstance(value, str) else None


@register
class DescriptionMissing(FrontmatterRule):
    """The frontmatter has no `description`, or it is empty.

    Claude chooses skills by their description alone; without it the skill is never used.
    """

    code, name = "FM020", "description-missing"
    bad = "---\nname: my-skill\ndescription:\n---"
    good = "---\nname: my-skill\ndescription: Builds X. Use when the user asks for X.\n---"

    def check_frontmatter(self, doc, fm, ctx):
        value = fm.data.get("description")
        if value is None or (isinstance(value, str) and not value.strip()):
            line = fm.line_of("description") if "description" in fm.data else fm.start
            yield Hit(line, 1, "frontmatter has no 'description' (or it is empty)")


@register
class DescriptionTooLong(FrontmatterRule):
    """`description` is longer than 1,024 characters.

    The specification's limit; claude.ai rejects longer descriptions, and every character is
    loaded into every conversation.
    """

    code, name = "FM021", "description-too-long"
    bad = "description: <1,500 characters>"
    good = "description: Two sentences: what the skill does and when to use it."

    def check_frontmatter(self, doc, fm, ctx):
        value = _description(fm)
        if value and len(value) > 1024:
            yield Hit(fm.line_of("description"), 1, f"'description' is {len(value)} characters; the limit is 1024")


@register
class DescriptionXmlTag(FrontmatterRule):
    """`description` contains an XML/HTML tag.

    claude.ai rejects descriptions with tags, since the description is placed inside the
    system prompt's own markup.
    """

    code, name = "FM022", "description-xml-tag"
    bad = "description: Use for <b>PDF</b> files."
    good = "description: Use for PDF files."

    def check_frontmatter(self, doc, fm, ctx):
        value = _description(fm)
        if value:
            m = XML_TAG.search(value)
            if m:
                yield Hit(fm.line_of("description"), 1, f"'description' contains the tag {m.group(0)!r}")


@register
class DescriptionNoTrigger(FrontmatterRule):
    """`description` says what the skill does but not when to use it.

    Claude picks a skill by matching the request against the description; a "Use when ..."
    clause with concrete triggers is what makes it fire at the right time. "Use before ...",
    "ALWAYS use before ...", "Use after ..." and "Triggers on ..." say it too. Skills with
    `disable-model-invocation: true` are only run by the user and are exempt.
    """

    code, name = "FM023", "description-no-trigger"
    severity = WARNING
    bad = "description: Helps with PDFs."
    good = "description: Extracts text and tables from PDFs. Use when the user works with PDF files."

    def check_frontmatter(self, doc, fm, ctx):
        data = fm.data if isinstance(fm.data, dict) else {}
        if data.get("disable-model-invocation") is True:
            return  # invoked by the user as /name only: the description never has to trigger it
        value = _description(fm)
        if value and value.strip() and not TRIGGER.search(value):
            yield Hit(fm.line_of("description"), 1, "'description' does not say when to use the skill (e.g. 'Use when ...')")


@register
class FieldType(FrontmatterRule):
    """A field has the wrong type.

    `description`, `license`, `compatibility` and `allowed-tools` are strings (allowed-tools is
    space-separated in the spec; `--profile claude-code` also takes a YAML list, as Claude Code
    does); `metadata` maps strings to strings. Other types are rejected or silently converted
    by clients.
    """

    code, name = "FM030", "field-type"
    bad = "allowed-tools: [Read, Bash]\nmetadata:\n  version: 1.0"
    good = "allowed-tools: Read Bash\nmetadata:\n  version: \"1.0\""

    def check_frontmatter(self, doc, fm, ctx):
        for key in ("description", "license", "compatibility", "allowed-tools"):
            value = fm.data.get(key)
            if _portability_issue(fm.key_nodes.get(key)):
                continue  # FM040 names the cause: an unquoted `yes`, `0755`, ...
            if key == "allowed-tools" and ctx.profile == "claude-code" and isinstance(value, list) \
                    and all(isinstance(v, str) for v in value):
                continue  # Claude Code reads a YAML list of tools as well as a string
            if key in fm.data and value is not None and not isinstance(value, str):
                hint = " (a space-separated string)" if key == "allowed-tools" and isinstance(value, list) else ""
                yield Hit(fm.line_of(key), 1, f"'{key}' must be a string{hint}, not {type(value).__name__}")
        if "metadata" in fm.data:
            meta = fm.data["metadata"]
            if not isinstance(meta, dict):
                yield Hit(fm.line_of("metadata"), 1, f"'metadata' must be a mapping of string to string, not {type(meta).__name__}")
                return
            node = fm.key_nodes.get("metadata")
            lines = {}
            if isinstance(node, yaml.MappingNode):
                lines = {k.value: fm.start + 1 + k.start_mark.line for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
            value_nodes = {}
            if isinstance(node, yaml.MappingNode):
                value_nodes = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            for k, v in meta.items():
                if _portability_issue(value_nodes.get(str(k))):
                    continue
                if not isinstance(k, str) or not isinstance(v, str):
                    bad = k if not isinstance(k, str) else v
                    yield Hit(lines.get(str(k), fm.line_of("metadata")), 1,
                              f"metadata '{k}' must map a string to a string, not {type(bad).__name__}; quote it")


@register
class CompatibilityTooLong(FrontmatterRule):
    """`compatibility` is longer than 500 characters, the specification's limit."""

    code, name = "FM031", "compatibility-too-long"
    bad = "compatibility: <600 characters>"
    good = "compatibility: Requires Python 3.10+ and network access."

    def check_frontmatter(self, doc, fm, ctx):
        value = fm.data.get("compatibility")
        if isinstance(value, str) and len(value) > 500:
            yield Hit(fm.line_of("compatibility"), 1, f"'compatibility' is {len(value)} characters; the limit is 500")


_YAML11_ONLY = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF"  # YAML 1.1 booleans
    r"|[-+]?0[0-7]+"  # 1.1 octal
    r"|[-+]?(?:0|[1-9][0-9_]*)(?::[0-5]?[0-9])+"  # sexagesimal
    r"|[-+]?[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?"  # underscores in numbers
    r"|0b[01_]+)$"
)
_YAML12_ONLY = re.compile(r"^(?:0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
STRING_FIELDS = ("name", "description", "license", "compatibility", "allowed-tools")


def _portability_issue(node) -> bool:
    """A plain scalar that YAML 1.1 and YAML 1.2 loaders read differently."""
    return (
        isinstance(node, yaml.ScalarNode)
        and not node.style  # None (pure loader) or "" (C loader) for plain scalars
        and bool(_YAML11_ONLY.match(node.value) or _YAML12_ONLY.match(node.value))
    )


@register
class YamlPortability(FrontmatterRule):
    """A value that YAML loaders read differently.

    Skills are read by PyYAML (YAML 1.1), js-yaml and others (YAML 1.2). A plain `yes`, `no`,
    `on`, `0755`, `1:30` or `1_000` is a string for one and a boolean or number for the other;
    a ` #` in a plain value silently cuts it there. Quote such values.
    """

    code, name = "FM040", "yaml-portability"
    severity = WARNING
    bad = "license: yes\ndescription: Works with C # and F#"
    good = "license: \"yes\"\ndescription: \"Works with C # and F#\""

    def check_frontmatter(self, doc, fm, ctx):
        nodes = list(fm.key_nodes.items())
        meta = fm.key_nodes.get("metadata")
        if isinstance(meta, yaml.MappingNode):
            nodes += [(f"metadata.{k.value}", v) for k, v in meta.value if isinstance(k, yaml.ScalarNode)]
        for key, node in nodes:
            if not isinstance(node, yaml.ScalarNode) or node.style:
                continue
            if key not in STRING_FIELDS and not key.startswith("metadata."):
                continue
            line = fm.start + 1 + node.start_mark.line
            if _portability_issue(node):
                yield Hit(line, node.start_mark.column + 1, f"'{key}: {node.value}' is read as a string by some YAML loaders and not by others; quote it")
            end_line = node.end_mark.line
            src_line = doc.lines[fm.start + end_line] if fm.start + end_line < len(doc.lines) else ""
            rest = src_line[node.end_mark.column:]
            if re.match(r"\s+#", rest):
                yield Hit(line, node.end_mark.column + 1, f"'{key}' is cut at ' #' (the rest is a YAML comment); quote the value")
