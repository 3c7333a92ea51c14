"""The keyword half of the safety net: patterns per language for messages about acute danger.

Pure Python (no Rasa), so that the gateways can use it too: a message these
patterns mark as acute danger passes every rate limit and queue. Nothing here
is cached by message text: a cache keyed on what people wrote would keep
their words in memory after "forget me" and past the retention time.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from re import Pattern

import yaml

from bot.nlu.text import fold

KEYWORDS_PATH = Path(__file__).resolve().parent / "emergency_keywords.yml"


@functools.cache
def load_patterns(path: Path = KEYWORDS_PATH) -> tuple[tuple[str, Pattern[str]], ...]:
    """(language, compiled pattern) pairs; a bad pattern fails loudly with its place."""
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    compiled = []
    for language, patterns in raw.items():
        for index, pattern in enumerate(patterns or []):
            try:
                compiled.append((str(language), re.compile(pattern)))
            except re.error as error:
                raise ValueError(f"{path}: {language}[{index}]: {error}") from error
    return tuple(compiled)


def match_emergency(text: str) -> str | None:
    """The language whose pattern matched ``text``, or None."""
    folded = fold(text)
    for language, pattern in load_patterns():
        if pattern.search(folded):
            return language
    return None
