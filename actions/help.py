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
from actions.answers import detail_buttons, detail_texts, find, need_answer, offer_text
from actions.context import Need
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
    """Answer ``intent`` (now or after asking where the user is).

    A known country is enough to answer: without a town the answer gives the
    country's help at once and says that a town brings nearer help. Only when
    the country is unknown does the assistant ask first (the town, which names
    the country; after "I don't know", the country alone).
    """
    spec = context.needs().get(intent)
    if spec is None:
        return events
    language = context.language(tracker)
    location = locate(tracker, snapshot)
    events = events + location.events
    if skipped is None:
        skipped = bool(tracker.get_slot("location_skipped"))
    if (location.ambiguous or location.country is None) and in_danger(intent, tracker):
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
    role = context.role(tracker, spec.role)
    extras = RESULTS[intent](tracker, language, snapshot, location.country) if intent in RESULTS else Extras()
    for message in extras.messages:
        dispatcher.utter_message(**message)
    if spec.show_first:
        for text in detail_texts(snapshot, language, location.country, spec):
            dispatcher.utter_message(text=text)
    found = find(snapshot, location.country, extras.need or spec.need, location.municipality, role,
                 spec.minor or extras.minor, extras.urgent)
    offered = offer(spec, role, context.signs(tracker))
    question = offer_text(language, offered)
    dispatcher.utter_message(
        text=need_answer(snapshot, language, found) + (f"\n\n{question}" if question else ""),
        buttons=detail_buttons(language, spec, found, snapshot, offered),
    )
    return events + extras.clear + [SlotSet("pending_intent", None), SlotSet("answered", intent)] + (
        [SlotSet("role", "staff")] if role == "staff" else [])


def offer(spec: Need, role: str, signs: list[str]) -> str | None:
    """The guided conversation to offer: the intent's own, or the self-check when a victim's message shows signs."""
    if spec.offer:
        return spec.offer
    if signs and role == "victims" and spec.intent != "self_check_result":
        return "self_check"
    return None


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
        pending = pending or tracker.get_slot("answered")  # a town after a national answer: answer again, nearer
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
        # "I don't know where I am" is a question too: with nothing pending, it asks for help
        pending = tracker.get_slot("pending_intent") or "find_help"
        events = [SlotSet("location_skipped", True), SlotSet("municipality", None)]
        return answer(dispatcher, tracker, pending, default_store().snapshot, events, skipped=True)
