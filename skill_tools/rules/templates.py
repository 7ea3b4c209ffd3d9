"""Templates (TP): every `templates/**/*.j2` declares its variables, parses, renders with
its own examples in the sandbox, and renders to a file that passes the checks of its
language.
"""

from __future__ import annotations

from .. import analysis
from ..model import Hit
from ..secrets import find_secrets
from ..templating import RenderLimit, Template, output_language
from . import Rule, register


def template_of(doc) -> Template:
    cache = doc.__dict__
    if "_template" not in cache:
        cache["_template"] = Template(doc.text, doc.rel)
    return cache["_template"]


def rendered(doc):
    """(output, None) or (None, (line, message)); rendered once with the header's examples."""
    cache = doc.__dict__
    if "_rendered" not in cache:
        cache["_rendered"] = _render(template_of(doc))
    return cache["_rendered"]


def _render(tpl: Template):
    import jinja2
    from jinja2.sandbox import SecurityError

    tree, err = tpl.parsed
    if err:
        return None, None
    if tpl.header is None:
        return None, None
    try:
        return tpl.render(tpl.examples()), None
    except jinja2.UndefinedError as exc:
        return None, (1, f"undefined variable while rendering: {exc.message}")
    except SecurityError as exc:
        return None, (1, f"sandbox refused: {exc}")
    except RenderLimit as exc:
        return None, (1, f"render stopped: {exc}")
    except jinja2.TemplateError as exc:
        return None, (getattr(exc, "lineno", None) or 1, f"render error: {exc}")
    except (RecursionError, MemoryError, OverflowError) as exc:
        return None, (1, f"render stopped: {exc.__class__.__name__}")
    except Exception as exc:  # noqa: BLE001 - a template's own error, e.g. 1/0 in an expression
        return None, (1, f"render error: {exc.__class__.__name__}: {exc}")


class TemplateRule(Rule):
    kinds = ("template",)


@register
class TemplateSyntaxError(TemplateRule):
    """A template is not valid Jinja (reported at the line Jinja names).

    A template that does not parse cannot be rendered by `skill-tools render` or by Claude.
    """

    code, name = "TP001", "template-syntax-error"
    bad = "{% if x %}no endif"
    good = "{% if x %}...{% endif %}"

    def check(self, doc, ctx):
        _, err = template_of(doc).parsed
        if err:
            yield Hit(err[0], 1, f"Jinja syntax error: {err[1]}")


@register
class TemplateRenderError(TemplateRule):
    """The template fails to render with its header's examples, in the sandbox.

    Undefined variables, attempts to reach Python internals (`''.__class__`), runaway loops
    and oversized output are all findings; the template is never rendered outside the
    sandbox.
    """

    code, name = "TP002", "template-render-error"
    bad = "{{ ''.__class__.__mro__ }}"
    good = "{{ asset_name }}"

    def check(self, doc, ctx):
        _, err = rendered(doc)
        if err:
            yield Hit(err[0], 1, err[1])


def _output_problems(lang: str, text: str, ctx, source: str = ""):
    lines = list(range(1, text.count("\n") + 2))
    if lang == "py":
        unit = analysis.CodeUnit("python", text, lines, placeholders=ctx.placeholders)
        yield from analysis.syntax_problems(unit)
        yield from analysis.undefined_names(unit)
        yield from analysis.unused_imports(unit)
        yield from analysis.deprecated_uses(unit, ctx.deprecations)
    elif lang in ("yaml", "yml"):
        yield from analysis.yaml_problems(analysis.CodeUnit("yaml", text, lines))
    elif lang == "json":
        yield from analysis.json_problems(analysis.CodeUnit("json", text, lines))
    elif lang == "toml":
        yield from analysis.toml_problems(analysis.CodeUnit("toml", text, lines))
    elif lang in ("sh", "bash"):
        for line, col, msg in analysis.shell_problems_batch([analysis.CodeUnit("sh", text, lines)]).values():
            yield line, col, msg
    # a secret written literally in the template is CB030's; here only what rendering put in
    source_lines = set(source.split("\n"))
    out_lines = text.split("\n")
    for line, col, what in find_secrets(text):
        if out_lines[line - 1] not in source_lines:
            yield line, col, f"hard-coded secret: {what}"


@register
class TemplateOutputInvalid(TemplateRule):
    """The rendered template fails the checks of its language (by the extension before `.j2`).

    `.py` output must compile, name everything it uses, import nothing unused and use no
    deprecated API; `.yaml`, `.json`, `.toml` must parse; `.sh` must pass `bash -n`. The
    position is the template line that produced the output line, as far as it can be told.
    """

    code, name = "TP003", "template-output-invalid"
    bad = "templates/asset.py.j2 rendering 'def {{ name }}(:'"
    good = "templates/asset.py.j2 rendering 'def {{ name }}():'"

    def check(self, doc, ctx):
        output, err = rendered(doc)
        if output is None:
            return
        tpl = template_of(doc)
        lang = output_language(doc.rel)
        offset = tpl.header_end_line
        for line, col, msg in _output_problems(lang, output, ctx, doc.text):
            at = min(max(1, line + offset), doc.line_count or 1)
            yield Hit(at, col, f"rendered output line {line}: {msg}")


@register
class TemplateHeaderInvalid(TemplateRule):
    """The template header is missing or incomplete.

    Each template starts with a Jinja comment holding YAML: a `description` and, for each
    variable, a `description` and an `example`. Every variable the template uses is declared
    and every declared variable is used, so `skill-tools render` and Claude know exactly
    what to fill in.
    """

    code, name = "TP004", "template-header-invalid"
    bad = "{{ asset_name }} with no header"
    good = "{#-\ndescription: One asset.\nvariables:\n  asset_name: {description: Asset name, example: orders}\n-#}\n{{ asset_name }}"

    def check(self, doc, ctx):
        tpl = template_of(doc)
        header = tpl.header
        for line, msg in tpl.header_errors:
            yield Hit(line, 1, msg)
        if header is None:
            return
        if not isinstance(header.get("description"), str) or not header["description"].strip():
            yield Hit(1, 1, "header has no description")
        if "variables" in header and not isinstance(header["variables"], dict):
            yield Hit(1, 1, "header 'variables' must be a mapping of name to {description, example}")
        declared = tpl.variables
        for name, var in declared.items():
            if not isinstance(var.description, str) or not var.description.strip():
                yield Hit(var.line, 1, f"variable '{name}' has no description")
            if not var.has_example:
                yield Hit(var.line, 1, f"variable '{name}' has no example")
            if tpl.parsed[0] is not None and name not in tpl.used:
                yield Hit(var.line, 1, f"variable '{name}' is declared but never used")
        for name in sorted(tpl.used - set(declared)):
            yield Hit(tpl.header_end_line or 1, 1, f"variable '{name}' is used but not declared in the header")
