"""Answers from the help directory: needs, rights, and the place they depend on.

Each action reads the place from the message or the conversation, asks for it
when it matters and is missing (remembering the question in ``pending_intent``),
and answers with the services of the municipality, county or country.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.answers import guidance_answer, need_answer, rights_answer
from actions.guided import RESULTS, Extras, in_danger
from actions.location import ask_country, ask_place, ask_which, describe, locate
from bot.directory import Snapshot, default_store
from bot.i18n import phrase

logger = logging.getLogger(__name__)


def answer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    intent: str,
    snapshot: Snapshot,
    events: list[dict[str, Any]],
    skipped: bool | None = None,
) -> list[dict[str, Any]]:
    """Answer ``intent`` (now or after asking where the user is)."""
    spec = context.needs().get(intent)
    if spec is None:
        return events
    language = context.language(tracker)
    location = locate(tracker, snapshot)
    events = events + location.events
    if skipped is None:
        skipped = bool(tracker.get_slot("location_skipped"))
    needs_place = location.ambiguous or location.country is None or (
        spec.place == "municipality" and location.municipality is None and not skipped)
    if needs_place and in_danger(intent, tracker):
        dispatcher.utter_message(response="utter_emergency")  # 112 first, before asking where
    if location.ambiguous:
        ask_which(dispatcher, language, location.ambiguous, snapshot)
        return events + [SlotSet("pending_intent", intent)]
    if location.country is None:
        # a town names its country too; after "I don't know", ask for the country alone
        if spec.place == "municipality" and not skipped:
            ask_place(dispatcher, language)
        else:
            ask_country(dispatcher, language)
        return events + [SlotSet("pending_intent", intent)]
    if spec.place == "municipality" and location.municipality is None and not skipped:
        ask_place(dispatcher, language)
        return events + [SlotSet("pending_intent", intent)]
    extras = RESULTS[intent](tracker, language, snapshot, location.country) if intent in RESULTS else Extras()
    for message in extras.messages:
        dispatcher.utter_message(**message)
    if spec.rights:
        text = rights_answer(snapshot, language, location.country, spec.rights)
        if text:
            dispatcher.utter_message(text=text)
    for key in spec.guidance:
        text = guidance_answer(snapshot, language, location.country, key)
        if text:
            dispatcher.utter_message(text=text)
    dispatcher.utter_message(
        text=need_answer(snapshot, language, location.country, extras.need or spec.need, location.municipality,
                         context.role(tracker), spec.minor or extras.minor, urgent=extras.urgent)
    )
    return events + extras.clear + [SlotSet("pending_intent", None)]


class ActionAnswerNeed(Action):
    """find_*, report_*, talk_to_person, self_check, staff_* and rights_*: answered from the directory."""

    def name(self) -> str:
        return "action_answer_need"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        return answer(dispatcher, tracker, context.intent(tracker) or "", default_store().snapshot, [])


class ActionSetLocation(Action):
    """inform_location: remember the place, then answer the question that waited for it."""

    def name(self) -> str:
        return "action_set_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        snapshot = default_store().snapshot
        language = context.language(tracker)
        pending = tracker.get_slot("pending_intent")
        location = locate(tracker, snapshot)
        if location.ambiguous:
            ask_which(dispatcher, language, location.ambiguous, snapshot)
            return location.events
        if pending and location.country:
            return answer(dispatcher, tracker, pending, snapshot, [SlotSet("location_skipped", False)], skipped=False)
        if location.country is None:
            dispatcher.utter_message(text=phrase(language, "place_not_recognised"))
            ask_country(dispatcher, language)
            return location.events
        if not location.events:
            dispatcher.utter_message(text=phrase(language, "place_not_recognised"))
            return []
        place = describe(snapshot, location.country, location.municipality, language)
        dispatcher.utter_message(text=phrase(language, "place_noted", place=place))
        return location.events


class ActionSkipLocation(Action):
    """The user does not know or will not say where they are: answer with national help."""

    def name(self) -> str:
        return "action_skip_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        pending = tracker.get_slot("pending_intent")
        events = [SlotSet("location_skipped", True), SlotSet("municipality", None)]
        if not pending:
            dispatcher.utter_message(response="utter_deny")
            return events
        return answer(dispatcher, tracker, pending, default_store().snapshot, events, skipped=True)
