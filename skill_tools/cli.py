"""`skill-lint`: arguments, configuration, exit codes. Exit 0: nothing fails; 1: findings that
fail; 2: usage or internal error (one line naming the file, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__

FORMATS = ("text", "json", "github", "sarif")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="skill-lint",
        description="Lint Agent Skill bundles: frontmatter, links and anchors, code blocks, templates, structure.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="skill folder, folder of skills, or file (default: .)")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--select", metavar="CODES", help="only these codes or prefixes, comma-separated (FM,LK0,CB013)")
    p.add_argument("--ignore", metavar="CODES", help="skip these codes or prefixes, comma-separated")
    p.add_argument("--strict", action="store_true", help="warnings fail too")
    p.add_argument("--profile", choices=("spec", "claude-code"), help="spec (default) or claude-code (extension fields are warnings)")
    p.add_argument("--list-rules", action="store_true", help="list every rule and exit")
    p.add_argument("--explain", metavar="CODE", help="explain a rule: what, why, bad and good example")
    p.add_argument("--statistics", action="store_true", help="count findings per rule, and blocks checked")
    p.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: all cores; 1: serial)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    p.add_argument("--cache-dir", metavar="DIR", help="cache folder (default: .skill-lint-cache beside pyproject.toml or here)")
    p.add_argument("--verify-imports", action="store_true",
                   help="also resolve every import of every Python block in real interpreters (CB014)")
    p.add_argument("--python", action="append", metavar="PATH", default=[],
                   help="interpreter for --verify-imports (repeatable; default: this one)")
    p.add_argument("--version", action="version", version=f"skill-lint {__version__}")
    return p


def _codes(value: str | None) -> tuple:
    if not value:
        return ()
    return tuple(c.strip().upper() for c in value.replace(" ", ",").split(",") if c.strip())


def _list_rules() -> str:
    from .rules import all_rules

    lines = [f"{'code':6}  {'name':28}  {'severity':8}  summary"]
    for code, rule in all_rules().items():
        lines.append(f"{code:6}  {rule.name:28}  {rule.severity:8}  {rule.summary()}")
    return "\n".join(lines) + "\n"


def _explain(code: str) -> str | None:
    from .rules import all_rules

    rule = all_rules().get(code.upper())
    if rule is None:
        for r in all_rules().values():
            if r.name == code:
                rule = r
    if rule is None:
        return None
    out = [f"{rule.code} {rule.name} ({rule.severity})", "", rule.explain()]
    if rule.bad:
        out += ["", "Bad:", *("    " + line for line in rule.bad.splitlines())]
    if rule.good:
        out += ["", "Good:", *("    " + line for line in rule.good.splitlines())]
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.list_rules:
        sys.stdout.write(_list_rules())
        return 0
    if args.explain:
        text = _explain(args.explain)
        if text is None:
            print(f"skill-lint: unknown rule {args.explain!r} (see --list-rules)", file=sys.stderr)
            return 2
        sys.stdout.write(text)
        return 0
    current = "configuration"
    try:
        from .config import ConfigError, load_config
        from .discover import find_skills, owning_skill, skill_files
        from .engine import Cache, LintError, run
        from .report import render

        paths = [Path(p) for p in (args.paths or ["."])]
        for p in paths:
            if not p.exists() and not p.is_symlink():
                print(f"skill-lint: {p}: no such file or folder", file=sys.stderr)
                return 2
        try:
            config = load_config(paths[0])
        except ConfigError as exc:
            print(f"skill-lint: {exc}", file=sys.stderr)
            return 2
        if args.select:
            config.select = _codes(args.select)
        if args.ignore:
            config.ignore = tuple(config.ignore) + _codes(args.ignore)
        if args.profile:
            config.profile = args.profile

        roots, only, whole = [], None, set()
        for p in paths:
            if p.is_dir():
                found = find_skills(p, config.exclude, config.root)
                roots += found
                whole |= {Path(r).resolve() for r in found}
            else:
                skill = owning_skill(p)
                if skill is None:
                    print(f"skill-lint: {p}: not inside a skill folder (no SKILL.md above it)", file=sys.stderr)
                    return 2
                roots.append(skill)
                only = (only or []) + [p]
        seen, skills = set(), []
        for root in roots:
            key = Path(root).resolve()
            if key not in seen:
                seen.add(key)
                current = str(root)
                skills.append(skill_files(Path(os.path.relpath(root)) if not Path(root).is_absolute() else root))
        if not skills:
            print("skill-lint: no skill found (no folder with a SKILL.md)", file=sys.stderr)
        cache = None
        if not args.no_cache:
            folder = Path(args.cache_dir) if args.cache_dir else (config.cache_dir or (config.root or Path.cwd()) / ".skill-lint-cache")
            cache = Cache(folder, config)
        extra = None
        if args.verify_imports:
            from .verify import VerifyError, verify_imports

            pythons = [os.path.abspath(p) for p in (args.python or [sys.executable])]
            try:
                extra = verify_imports(skills, config, pythons)
            except VerifyError as exc:
                print(f"skill-lint: --verify-imports: {exc}", file=sys.stderr)
                return 2
        result = run(skills, config, jobs=args.jobs, cache=cache, only=only, extra=extra, whole_skills=whole)
        if only:
            checked = {Path(full).resolve() for s in skills for _, full in s.files}
            skipped = [p for p in only if p.resolve() not in checked]
            for p in skipped:
                print(f"skill-lint: {p}: not checked: skill-lint reads SKILL.md, the files under references/, "
                      "templates/, scripts/ and assets/, and the files they link to or name", file=sys.stderr)
            if len(skipped) == len(only):
                return 2
        if extra:
            result.stats["verify"] = extra["_stats"]
        color = args.format == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        sys.stdout.write(render(args.format, result, color=color, statistics=args.statistics))
        if args.statistics and extra:
            v = extra["_stats"]
            routed = ", ".join(f"{n} to {py}" for py, n in v["routed"].items())
            print(f"verify-imports: {v['imports']} imports in {v['units']} Python units ({routed})", file=sys.stderr)
        if args.statistics and args.format != "text":
            s = result.stats
            print(f"{result.files_checked} files: {s['fences']} code blocks, {s['python_blocks']} Python "
                  f"({s['fragments']} fragments), {s['templates']} templates", file=sys.stderr)
        failing = result.errors + (result.warnings if args.strict else 0)
        return 1 if failing else 0
    except LintError as exc:
        print(f"skill-lint: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("skill-lint: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - never a bare traceback
        print(f"skill-lint: internal error while checking {current}: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 2


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
