"""The keyword safety net: acute danger is an emergency whatever the classifier says.

Runs after the intent classifier and before the FallbackClassifier. A message
that matches a pattern of ``emergency_keywords.yml`` (in any supported
language: the writer may not use the language we think) gets the intent
``emergency`` with confidence 1.0; what the classifier said is kept under
``safety_net`` in the parse data, so evaluation can tell the two apart.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from re import Pattern

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import StatelessComponent, user_texts
from bot.nlu.text import fold

KEYWORDS_PATH = Path(__file__).resolve().parent / "emergency_keywords.yml"
EMERGENCY = "emergency"
SAFETY_NET_KEY = "safety_net"


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


@functools.lru_cache(maxsize=1024)  # asked before admission (bot.speedups.admission) and again in the pipeline
def match_emergency(text: str) -> str | None:
    """The language whose pattern matched ``text``, or None."""
    folded = fold(text)
    for language, pattern in load_patterns():
        if pattern.search(folded):
            return language
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class EmergencySafetyNet(StatelessComponent):
    @classmethod
    def prepare(cls) -> None:
        load_patterns()

    def process(self, messages: list[Message]) -> list[Message]:
        for message, text in user_texts(messages):
            language = match_emergency(text)
            if language is None:
                continue
            before = message.get(INTENT) or {}
            message.set(
                SAFETY_NET_KEY,
                {"matched": language, "classifier_intent": before.get(INTENT_NAME_KEY)},
                add_to_output=True,
            )
            message.set(
                INTENT,
                {INTENT_NAME_KEY: EMERGENCY, PREDICTED_CONFIDENCE_KEY: 1.0},
                add_to_output=True,
            )
        return messages
