"""`skill-tools`: render a template, package a skill, install a package.

    skill-tools render TEMPLATE [--set name=value ...] [-o FILE]
    skill-tools package [SKILL_DIR] [--out dist]
    skill-tools install PACKAGE_DIR_OR_ZIP --target DIR
    skill-tools eval selftest | grade DIR [--scenario NAME] | run --out DIR   (see skill_tools/evals.py)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .evals import add_eval_command
from .install import add_install_command
from .package import add_package_command


def _render(args) -> int:
    import jinja2
    from jinja2.sandbox import SecurityError

    from .templating import RenderLimit, Template

    path = Path(args.template)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"skill-tools: {path}: cannot read: {exc}", file=sys.stderr)
        return 2
    tpl = Template(text, str(path))
    if tpl.header is None:
        line, msg = tpl.header_errors[0]
        print(f"skill-tools: {path}:{line}: {msg}", file=sys.stderr)
        return 2
    values = tpl.defaults()
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            print(f"skill-tools: --set {item!r}: expected name=value", file=sys.stderr)
            return 2
        if name not in tpl.variables:
            known = ", ".join(sorted(tpl.variables)) or "none"
            print(f"skill-tools: {path}: unknown variable {name!r} (variables: {known})", file=sys.stderr)
            return 2
        values[name] = value
    if args.examples:
        values = {**tpl.examples(), **values}
    missing = sorted(set(tpl.variables) - set(values))
    if missing:
        print(f"skill-tools: {path}: set {', '.join(missing)} with --set name=value (or use --examples)", file=sys.stderr)
        for name in missing:
            var = tpl.variables[name]
            print(f"  {name}: {var.description} (example: {var.example})", file=sys.stderr)
        return 2
    try:
        output = tpl.render(values)
    except (jinja2.TemplateError, SecurityError, RenderLimit) as exc:
        print(f"skill-tools: {path}: cannot render: {exc}", file=sys.stderr)
        return 2
    if args.output:
        out = Path(args.output)
        if out.exists() and not args.force:
            print(f"skill-tools: {out} exists; use --force to overwrite", file=sys.stderr)
            return 2
        out.write_text(output, "utf-8")
    else:
        sys.stdout.write(output)
    return 0


def _parser():
    p = argparse.ArgumentParser(prog="skill-tools", description="Render templates, package and install skills.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("render", help="fill a template from --set name=value pairs")
    r.add_argument("template")
    r.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    r.add_argument("--examples", action="store_true", help="fill unset variables with the header's examples")
    r.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    r.add_argument("--force", action="store_true", help="overwrite --output")
    r.set_defaults(func=_render)
    add_package_command(sub)
    add_install_command(sub)
    add_eval_command(sub)
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 2
    except Exception as exc:  # noqa: BLE001 - never a bare traceback
        print(f"skill-tools: internal error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 2


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
