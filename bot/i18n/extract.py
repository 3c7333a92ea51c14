"""A pybabel extractor for Rasa response files (``responses/*.yml``).

Every response text and button title becomes a message whose context is the
response name, so the same English words can be translated differently in
two responses. Line numbers point at the YAML line of the text. Registered in
``babel.cfg`` as ``bot.i18n.extract:extract_responses``.
"""
from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

import yaml

TRANSLATABLE_KEYS = ("text",)
BUTTON_KEYS = ("title",)


def _mapping(node: yaml.Node) -> Mapping[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _condition_comment(variation: Mapping[str, yaml.Node]) -> list[str]:
    condition = variation.get("condition")
    if not isinstance(condition, yaml.SequenceNode):
        return []
    parts = []
    for item in condition.value:
        fields = _mapping(item)
        if "name" in fields and "value" in fields:
            parts.append(f"{fields['name'].value}={fields['value'].value}")
    return [f"when {', '.join(parts)}"] if parts else []


def iter_messages(stream: Any) -> Iterator[tuple[int, str, str, list[str]]]:
    """(line, response name or phrase key, English text, comments) for every translatable string."""
    root = _mapping(yaml.compose(stream, Loader=yaml.SafeLoader))
    for key_node, value_node in getattr(root.get("phrases"), "value", []):
        if isinstance(value_node, yaml.ScalarNode) and value_node.value:
            yield value_node.start_mark.line + 1, key_node.value, value_node.value, ["phrase"]
    for name_node, variations in getattr(root.get("responses"), "value", []):
        name = name_node.value
        for variation_node in getattr(variations, "value", []):
            variation = _mapping(variation_node)
            comments = _condition_comment(variation)
            for key in TRANSLATABLE_KEYS:
                node = variation.get(key)
                if isinstance(node, yaml.ScalarNode) and node.value:
                    yield node.start_mark.line + 1, name, yaml.safe_load(yaml.serialize(node)), comments
            for button in getattr(variation.get("buttons"), "value", []):
                for key in BUTTON_KEYS:
                    node = _mapping(button).get(key)
                    if isinstance(node, yaml.ScalarNode) and node.value:
                        yield node.start_mark.line + 1, name, node.value, ["button"] + comments


def extract_responses(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, list[str], list[str]]]:
    for line, name, text, comments in iter_messages(fileobj.read().decode("utf-8")):
        yield line, "pgettext", [name, text], comments
