"""A Rasa policy that sets the ``language`` slot before the first answer of each turn.

It never predicts an action (all probabilities are zero); it only returns
mandatory ``SlotSet`` events, which Rasa applies whichever policy wins. That
way the language is right in the same turn, inside the Rasa process, with no
round trip to the action server — so an emergency answer is in the user's
language even when the action server is down.
"""
from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, Restarted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language.detect import warm_up
from bot.language.negotiate import negotiate
from bot.language.resolve import resolve_language

LANGUAGE_SLOT = "language"
CHOSEN_SLOT = "language_chosen"
REQUEST_SLOT = "language_request"
REQUESTED_SLOT = "requested_language"
CHOOSE_INTENT = "choose_language"
LANGUAGE_ENTITY = "language"


def explicit_choice(tracker: DialogueStateTracker) -> str | None:
    """The language the user named in this turn, if the turn is a language choice."""
    message = tracker.latest_message
    if message is None or (message.intent or {}).get("name") != CHOOSE_INTENT:
        return None
    for entity in message.entities or []:
        if entity.get("entity") == LANGUAGE_ENTITY and entity.get("value"):
            return str(entity["value"])
    return None


def first_message(tracker: DialogueStateTracker) -> bool:
    """Whether the latest message is the first the user sent in this conversation (session)."""
    seen = 0
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            seen += 1
            if seen > 1:
                return False
        elif isinstance(event, (SessionStarted, Restarted)):
            break
    return True


def language_events(tracker: DialogueStateTracker) -> list[Event]:
    """Slot events that bring the tracker's language up to date with the latest message."""
    message = tracker.latest_message
    if message is None or not message.text and not message.intent:
        return []
    current = tracker.get_slot(LANGUAGE_SLOT)
    chosen = bool(tracker.get_slot(CHOSEN_SLOT))
    explicit = explicit_choice(tracker)
    resolution = resolve_language(
        current=current,
        chosen=chosen,
        explicit=explicit,
        metadata=message.metadata,
        text=message.text,
        hint=(message.parse_data.get("safety_net") or {}).get("keywords"),
        first_message=first_message(tracker),
    )
    events: list[Event] = []
    if resolution.language != current:
        events.append(SlotSet(LANGUAGE_SLOT, resolution.language))
    if resolution.chosen != chosen:
        events.append(SlotSet(CHOSEN_SLOT, resolution.chosen))
    if (message.intent or {}).get("name") == CHOOSE_INTENT:
        events += request_events(explicit)
    return events


def request_events(explicit: str | None) -> list[Event]:
    """What the answer to a language request should say (see utter_language_choice)."""
    if explicit is None:
        request = "menu"
    elif negotiate(explicit):
        request = "switched"
    else:
        request = "unavailable"
    return [SlotSet(REQUEST_SLOT, request), SlotSet(REQUESTED_SLOT, explicit)]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class LanguagePolicy(Policy):
    """Keeps the ``language`` slot right; predicts nothing."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": 0}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        warm_up()

    def train(self, training_trackers: list[Any], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        events: list[Event] = []
        if tracker.latest_action_name == ACTION_LISTEN_NAME:
            events = language_events(tracker)
        return self._prediction(self._default_predictions(domain), events=events)
