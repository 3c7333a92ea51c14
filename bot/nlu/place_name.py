"""A message that is only a place's name is an answer about where the writer is.

"Narvik" alone, after "Which town are you in?", was read as a goodbye (the
classifier's best guess, 0.25) and answered "Take care". When the whole
message, with a leading place word such as "i" or "in" left out, is the name
of a municipality or county of Norway, Denmark or Sweden (``resources/places``,
with its aliases) and the classifier is unsure (below ``UNSURE``) or did not
understand, the intent becomes ``inform_location``; the actions then find
the place in the text as usual. An emergency is never changed, nor a
confident intent ("Ja" is no place, and "Moss" after "I feel sick" is not
what this is for: the classifier is sure there).
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot import paths
from bot.nlu.component import StatelessComponent, user_texts
from bot.text.place_words import PREPOSITIONS, name_key

PLACE_INTENT = "inform_location"
UNSURE = 0.6
NEVER_CHANGED = frozenset({"emergency", PLACE_INTENT})
NOT_UNDERSTOOD = frozenset({"nlu_fallback", "out_of_scope"})
CLASSIFIER_KEY = "place_name"
_WORD = re.compile(r"\w+")


def _as_written(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold().replace("-", " "))


@cache
def place_names() -> tuple[frozenset[str], frozenset[str]]:
    """Every municipality's and county's name and alias: (folded lookup forms, forms as written)."""
    folded, written = set(), set()
    for path in sorted((paths.resources() / "places").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for section in ("counties", "municipalities"):
            for place in data.get(section) or []:
                for name in (place.get("name"), *(place.get("aliases") or [])):
                    if name:
                        folded.add(name_key(str(name)))
                        written.add(" ".join(_as_written(str(name))))
    return frozenset(folded - {""}), frozenset(written - {""})


def only_a_place(text: str) -> bool:
    """Whether ``text`` is a place's name and nothing else (a leading "i", "in", "w"… allowed).

    Written with its own letters ("Tromsø"), or without any diacritics at all
    ("Tromso"); a word whose diacritics differ is another word ("vâng",
    Vietnamese for "yes", is not Vang).
    """
    folded, written = place_names()
    if text.isascii():
        words, known = name_key(text).split(), folded
    else:
        words, known = _as_written(text), written
    while words and words[0] in PREPOSITIONS:
        words = words[1:]
    return bool(words) and " ".join(words) in known


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PlaceNameClassifier(StatelessComponent):
    @classmethod
    def prepare(cls) -> None:
        place_names()

    def process(self, messages: list[Message]) -> list[Message]:
        for message, text in user_texts(messages):
            intent = message.get(INTENT) or {}
            name, confidence = intent.get(INTENT_NAME_KEY), intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0
            if name in NEVER_CHANGED or (name not in NOT_UNDERSTOOD and confidence >= UNSURE):
                continue
            if only_a_place(text):
                message.set(CLASSIFIER_KEY, {"classifier_intent": name}, add_to_output=True)
                message.set(INTENT, {INTENT_NAME_KEY: PLACE_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
        return messages
