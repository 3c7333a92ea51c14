"""Signs of trafficking as entities, and an answer for a message that shows them and asks nothing else.

Runs last in the pipeline (after the FallbackClassifier). Each sign found
(``bot.nlu.signs``) becomes an entity ``trafficking_sign``; the actions bring
the national trafficking line and the self-check offer into the answer. When
the message's intent asks for nothing the directory answers (a greeting, a
place, not understood), the intent becomes ``trafficking_signs`` — "they take
all my money and threaten my family" must not get "Sorry, I did not
understand". What the intent was is kept under ``signs`` in the parse data.
An emergency is never changed.
"""
from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import StatelessComponent, user_texts
from bot.nlu.signs import find_signs, prepare

SIGNS_INTENT = "trafficking_signs"
SIGN_ENTITY = "trafficking_sign"
SIGNS_KEY = "signs"
# intents that ask nothing the signs would not answer better
REPLACEABLE = frozenset({
    "nlu_fallback", "out_of_scope", "greet", "thank", "affirm", "deny", "unsure", "inform_location",
    "ask_capabilities", "what_is_trafficking", "talk_to_person", "find_help",
})


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class TraffickingSignsExtractor(StatelessComponent, EntityExtractorMixin):
    @classmethod
    def prepare(cls) -> None:
        prepare()

    def process(self, messages: list[Message]) -> list[Message]:
        for message, text in user_texts(messages):
            signs = find_signs(text)
            if not signs:
                continue
            found = [{"entity": SIGN_ENTITY, "value": sign, "confidence": 1.0, "extractor": self.__class__.__name__}
                     for sign in signs]
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            message.set(SIGNS_KEY, {"signs": signs, "classifier_intent": intent}, add_to_output=True)
            if intent in REPLACEABLE:
                message.set(INTENT, {INTENT_NAME_KEY: SIGNS_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
        return messages
