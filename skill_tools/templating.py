"""Jinja templates of a skill: the YAML header, parsing, and rendering in a bounded sandbox.

Shared by the TP rules and by `skill-tools render`. Rendering happens only in Jinja's
`SandboxedEnvironment` with `StrictUndefined`, a cap on `range()`, on the total number of
loop items, on repeated strings and on output size, so a hostile template cannot reach Python
internals, loop forever or fill memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from . import yamlsafe

MAX_RANGE = 10_000  # items in one range()
MAX_ITEMS = 200_000  # range() items in one render
MAX_OUTPUT = 1_000_000  # characters of output
MAX_REPEAT = 100_000  # length of "x" * n
MAX_SECONDS = 5.0  # wall time of one render (loops that print nothing cannot be counted)

_HEADER = re.compile(r"\A\s*\{#-?(.*?)-?#\}", re.S)


class RenderLimit(Exception):
    pass


def _environment():
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    class BoundedSandbox(SandboxedEnvironment):
        intercepted_binops = frozenset(["*", "**"])

        def __init__(self):
            super().__init__(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
            self.items = 0
            self.globals["range"] = self.bounded_range
            self.globals["_skill_lint_count"] = self.counted
            # output must not change between runs: the cache and the tests rely on it
            self.globals.pop("lipsum", None)
            self.filters.pop("random", None)

        def _parse(self, source, name, filename):
            """Route every `{% for %}` through `counted`, so loops over lists and strings
            (not only `range()`) share the item budget of the render."""
            from jinja2 import nodes

            tree = super()._parse(source, name, filename)
            for loop in tree.find_all(nodes.For):
                loop.iter = nodes.Call(nodes.Name("_skill_lint_count", "load"), [loop.iter], [], None, None)
            return tree

        def counted(self, iterable):
            for item in iterable:
                self.items += 1
                if self.items > MAX_ITEMS:
                    raise RenderLimit(f"more than {MAX_ITEMS} loop items in one render")
                yield item

        def bounded_range(self, *args):
            rng = range(*args)
            if len(rng) > MAX_RANGE:
                raise RenderLimit(f"range() of {len(rng)} items; the limit is {MAX_RANGE}")
            self.items += len(rng)
            if self.items > MAX_ITEMS:
                raise RenderLimit(f"more than {MAX_ITEMS} loop items in one render")
            return rng

        def call_binop(self, context, operator, left, right):
            if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
                raise RenderLimit("exponent over 64")
            if operator == "*":
                for seq, n in ((left, right), (right, left)):
                    if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_REPEAT:
                        raise RenderLimit(f"repetition of {len(seq) * n} items; the limit is {MAX_REPEAT}")
            return super().call_binop(context, operator, left, right)

    return BoundedSandbox()


@dataclass
class Variable:
    name: str
    spec: object
    line: int

    @property
    def description(self):
        return self.spec.get("description") if isinstance(self.spec, dict) else None

    @property
    def has_example(self):
        return isinstance(self.spec, dict) and "example" in self.spec

    @property
    def example(self):
        return self.spec.get("example") if isinstance(self.spec, dict) else None

    @property
    def default(self):
        return self.spec.get("default") if isinstance(self.spec, dict) else None


@dataclass
class Template:
    text: str
    name: str = "template"
    header_errors: list = field(default_factory=list)  # (line, message)

    @cached_property
    def header_match(self):
        return _HEADER.match(self.text)

    @cached_property
    def header(self):
        """The header mapping, or None (errors go to header_errors)."""
        m = self.header_match
        if not m:
            self.header_errors.append((1, "template has no header: start it with {#- description: ... variables: ... -#}"))
            return None
        start_line = self.text.count("\n", 0, m.start(1)) + 1
        end_line = self.text.count("\n", 0, m.end()) + 1
        try:
            loaded = yamlsafe.load(m.group(1))
        except yamlsafe.YamlError as exc:
            line = min(start_line + exc.line, end_line)
            self.header_errors.append((line, f"header is not valid YAML: {exc.message}"))
            return None
        if not isinstance(loaded.value, dict):
            self.header_errors.append((start_line, "header must be a YAML mapping with description and variables"))
            return None
        self._header_start = start_line
        self._header_nodes = loaded.key_nodes
        return loaded.value

    @property
    def header_end_line(self) -> int:
        m = self.header_match
        return self.text.count("\n", 0, m.end()) + 1 if m else 0

    @cached_property
    def variables(self) -> dict:
        header = self.header
        if not header:
            return {}
        variables = header.get("variables") or {}
        if not isinstance(variables, dict):
            return {}
        import yaml

        lines = {}
        node = self._header_nodes.get("variables")
        if isinstance(node, yaml.MappingNode):
            for key, _ in node.value:
                lines[key.value] = self._header_start + key.start_mark.line
        return {str(k): Variable(str(k), v, lines.get(str(k), self._header_start)) for k, v in variables.items()}

    @cached_property
    def parsed(self):
        """(jinja AST, None) or (None, (line, message)). Compile-time checks (a block
        defined twice, ...) run here too, through `find_undeclared_variables`."""
        import jinja2
        from jinja2 import meta

        env = _environment()
        try:
            tree = env.parse(self.text)
            self._used = set(meta.find_undeclared_variables(tree)) - {"range", "loop"}
            return tree, None
        except jinja2.TemplateSyntaxError as exc:
            return None, (exc.lineno or 1, exc.message or "syntax error")
        except RecursionError:
            return None, (1, "template nested too deeply")

    @property
    def used(self) -> set:
        tree, _ = self.parsed
        return self._used if tree is not None else set()

    def examples(self) -> dict:
        return {name: var.example for name, var in self.variables.items() if var.has_example}

    def defaults(self) -> dict:
        return {n: v.default for n, v in self.variables.items() if isinstance(v.spec, dict) and "default" in v.spec}

    def render(self, values: dict) -> str:
        """Render in the bounded sandbox. Raises jinja2 errors, SecurityError or RenderLimit."""
        env = _environment()
        tree, _ = self.parsed
        template = env.from_string(tree if tree is not None else self.text)  # parsed once
        out, size = [], 0
        with _deadline(MAX_SECONDS):
            for chunk in template.generate(**values):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise RenderLimit(f"output over {MAX_OUTPUT} characters")
                out.append(chunk)
        return "".join(out)


class _deadline:
    """Raise RenderLimit after `seconds` of wall time (SIGALRM; main thread on POSIX only,
    which is where skill-lint renders: the main process or a worker's main thread)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.armed = False

    def __enter__(self):
        import signal
        import threading

        if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self.armed = True
        return self

    def _expire(self, signum, frame):
        raise RenderLimit(f"render took over {self.seconds:.0f} s")

    def __exit__(self, *exc):
        if self.armed:
            import signal

            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False


def output_language(rel: str) -> str:
    """`templates/x/asset.py.j2` -> `py`."""
    name = rel.rsplit("/", 1)[-1]
    for suffix in (".j2", ".jinja2", ".jinja"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""
