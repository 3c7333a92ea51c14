"""The keyword safety net: acute danger is an emergency whatever the classifier says.

Runs after the intent classifier and before the FallbackClassifier. A message
that matches a pattern of ``emergency_keywords.yml`` (in any supported
language: the writer may not use the language we think) gets the intent
``emergency`` with confidence 1.0; what the classifier said is kept under
``safety_net`` in the parse data (with ``keywords`` added to ``fired``), so
evaluation can tell the nets apart. A match does not count when the message
also says the danger is over or not meant ("two years ago", "lol") and
nothing says it is now: the ``calm`` and ``now`` sections of the file. The
models (``AcuteDangerModel``) still judge such a message.
"""
from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, METADATA, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.contract import KEYWORD_VERDICT
from bot.nlu.component import StatelessComponent, user_texts
from bot.nlu.keywords import load_patterns, match_emergency, prepare

__all__ = ["EMERGENCY", "SAFETY_NET_KEY", "EmergencySafetyNet", "load_patterns", "match_emergency"]
EMERGENCY = "emergency"
SAFETY_NET_KEY = "safety_net"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class EmergencySafetyNet(StatelessComponent):
    @classmethod
    def prepare(cls) -> None:
        prepare()

    def process(self, messages: list[Message]) -> list[Message]:
        for message, text in user_texts(messages):
            known = (message.get(METADATA) or {}).get(KEYWORD_VERDICT)  # asked already by the server
            language = (known or None) if isinstance(known, str) else match_emergency(text)
            if language is None:
                continue
            before = message.get(INTENT) or {}
            record = dict(message.get(SAFETY_NET_KEY) or {"classifier_intent": before.get(INTENT_NAME_KEY)})
            record["fired"] = [*(record.get("fired") or []), "keywords"]
            record["keywords"] = language
            message.set(SAFETY_NET_KEY, record, add_to_output=True)
            message.set(
                INTENT,
                {INTENT_NAME_KEY: EMERGENCY, PREDICTED_CONFIDENCE_KEY: 1.0},
                add_to_output=True,
            )
        return messages
