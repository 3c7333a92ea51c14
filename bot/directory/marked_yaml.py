"""Load YAML while remembering where every value stood, for error messages with file:line:column."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class MarkedDict(dict):
    """A mapping that knows the (line, column) of each key, 1-based."""

    marks: dict[Any, tuple[int, int]]
    start: tuple[int, int] = (1, 1)


class MarkedList(list):
    marks: list[tuple[int, int]]
    start: tuple[int, int] = (1, 1)


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):  # noqa: D102 - PyYAML hook
        mapping = MarkedDict(super().construct_mapping(node, deep=True))
        mapping.marks = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            mapping.marks[key] = _position(value_node)
        mapping.start = _position(node)
        return mapping

    def construct_sequence(self, node, deep=False):  # noqa: D102 - PyYAML hook
        sequence = MarkedList(super().construct_sequence(node, deep=True))
        sequence.marks = [_position(item) for item in node.value]
        sequence.start = _position(node)
        return sequence


# Only true/false are booleans (as in YAML 1.2): "NO" is Norway, not False.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Loader.construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _Loader.construct_sequence)


def load(path: Path) -> Any:
    """Parse ``path``; a syntax error raises yaml.YAMLError carrying its position."""
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def mark(container: Any, key: Any) -> tuple[int, int]:
    """Where ``container[key]`` stands (or the container itself when unknown)."""
    marks = getattr(container, "marks", None)
    try:
        if isinstance(marks, dict) and key in marks:
            return marks[key]
        if isinstance(marks, list):
            return marks[key]
    except (IndexError, TypeError):
        pass
    return getattr(container, "start", (1, 1))
