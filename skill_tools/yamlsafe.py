"""YAML for untrusted input: line numbers, duplicate keys, and no alias bombs.

`load(text)` composes the node graph (aliases stay shared nodes, so composing is cheap)
and builds Python values itself, counting every node it visits. A document whose
expansion would visit more than `max_nodes` nodes is refused instead of expanded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

try:  # the C loader is several times faster; the pure one gives the same marks
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_NODES = 10_000


class YamlError(Exception):
    def __init__(self, message: str, line: int, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line  # 0-based inside the YAML text
        self.column = column


@dataclass
class Loaded:
    value: object
    key_lines: dict = field(default_factory=dict)  # top-level key -> 0-based line
    key_nodes: dict = field(default_factory=dict)  # top-level key -> value node
    duplicates: list = field(default_factory=list)  # (key, 0-based line)


# YAML 1.1 breaks lines at NEL, LS and PS too; the file does not. Read them as spaces (what
# YAML's line folding makes of them inside a scalar) so every mark stays on the file's line.
_EXTRA_BREAKS = {0x85: " ", 0x2028: " ", 0x2029: " "}


def compose(text: str):
    text = text.translate(_EXTRA_BREAKS)
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line if mark else 0
        col = mark.column + 1 if mark else 1
        problem = exc.problem or str(exc)
        raise YamlError(problem, line, col) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc).splitlines()[0], 0) from None


class _Builder:
    def __init__(self, max_nodes: int):
        self.budget = max_nodes
        self.constructor = yaml.SafeLoader("")
        self.duplicates: list = []

    def build(self, node, depth: int = 0):
        self.budget -= 1
        if self.budget < 0:
            raise YamlError(
                f"document expands to more than {MAX_NODES} nodes (alias bomb?)",
                node.start_mark.line,
                node.start_mark.column + 1,
            )
        if depth > 200:
            raise YamlError("nesting deeper than 200 levels", node.start_mark.line)
        if isinstance(node, yaml.MappingNode):
            out, merged = {}, {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *defaults` (YAML 1.1 merge key)
                    value = self.build(value_node, depth + 1)
                    for part in value if isinstance(value, list) else [value]:
                        if not isinstance(part, dict):
                            raise YamlError("a merge key (<<) takes a mapping or a list of mappings",
                                            value_node.start_mark.line, value_node.start_mark.column + 1)
                        merged = {**part, **merged}
                    continue
                key = self.build(key_node, depth + 1)
                try:
                    hash(key)
                except TypeError:
                    raise YamlError("unhashable mapping key", key_node.start_mark.line) from None
                if key in out:
                    self.duplicates.append((key, key_node.start_mark.line))
                out[key] = self.build(value_node, depth + 1)
            return {**merged, **out} if merged else out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, depth + 1) for item in node.value]
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise YamlError(str(exc).splitlines()[0], node.start_mark.line) from None


def load(text: str, max_nodes: int = MAX_NODES) -> Loaded:
    """Parse one YAML document safely. Raises YamlError with a 0-based line."""
    node = compose(text)
    if node is None:
        return Loaded(None)
    builder = _Builder(max_nodes)
    value = builder.build(node)
    loaded = Loaded(value, duplicates=builder.duplicates)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                loaded.key_lines.setdefault(key_node.value, key_node.start_mark.line)
                loaded.key_nodes[key_node.value] = value_node
    return loaded


def load_all(text: str, max_nodes: int = MAX_NODES) -> None:
    """Check every document of a YAML stream (code blocks may hold several)."""
    text = text.translate(_EXTRA_BREAKS)
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(exc.problem or str(exc), mark.line if mark else 0,
                        mark.column + 1 if mark else 1) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc).splitlines()[0], 0) from None
    for node in nodes:
        if node is not None:
            _Builder(max_nodes).build(node)
