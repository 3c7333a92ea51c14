"""Entity extractors for names that come from Babel, not from training examples.

``LanguageNameExtractor`` finds the entity ``language`` ("på svenska", "in
Polish"); ``CountryExtractor`` finds ``country`` ("i Norge", "in Denmark").
Values are codes (``sv``, ``NO``), so the slots do not depend on the
language the user wrote in. ``MinorAgeExtractor`` finds ``age_group: minor``
("I'm 16", "en 17-årig elev"). Start and end offsets refer to the folded text.
"""
from __future__ import annotations

from collections.abc import Callable

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.age import says_minor
from bot.nlu.component import StatelessComponent, user_texts
from bot.text.names import country_names, find_names, language_names


class _NameExtractor(StatelessComponent, EntityExtractorMixin):
    entity: str = ""
    stems: bool = False
    names: Callable[[], dict[str, str]]

    @classmethod
    def prepare(cls) -> None:
        cls.names()

    def process(self, messages: list[Message]) -> list[Message]:
        for message, text in user_texts(messages):
            found = [
                {
                    "entity": self.entity,
                    "value": code,
                    "start": start,
                    "end": end,
                    "confidence": 1.0,
                    "extractor": self.__class__.__name__,
                }
                for start, end, code in find_names(text, self.names(), self.stems)
            ]
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + found[:1], add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageNameExtractor(_NameExtractor):
    entity = "language"
    names = staticmethod(language_names)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class CountryExtractor(_NameExtractor):
    entity = "country"
    stems = True
    names = staticmethod(country_names)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class MinorAgeExtractor(StatelessComponent, EntityExtractorMixin):
    """``age_group: minor`` when a message gives an age under 18 (``bot.nlu.age``): the children's line comes first."""

    @classmethod
    def prepare(cls) -> None:
        says_minor("")

    def process(self, messages: list[Message]) -> list[Message]:
        for message, text in user_texts(messages):
            if says_minor(text):
                found = {"entity": "age_group", "value": "minor", "confidence": 1.0, "extractor": self.__class__.__name__}
                message.set(ENTITIES, message.get(ENTITIES, []) + [found], add_to_output=True)
        return messages
