"""Answers from the help directory: needs, rights, and the place they depend on.

Each action reads the place from the message or the conversation, asks for it
when it matters and is missing (remembering the question in ``pending_intent``),
and answers with the services of the municipality, county or country.
"""
from __future__ import annotations

import abc
import dataclasses
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.answers import detail_buttons, find, need_answer, offer_text
from actions.context import Need
from actions.guided import RESULTS, Extras, in_danger
from actions.location import ask_country, ask_place, ask_which, locate
from bot.directory import Snapshot, default_store
from bot.directory.schema import COUNTRIES
from bot.i18n import phrase

logger = logging.getLogger(__name__)


def answer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    intent: str,
    snapshot: Snapshot,
    events: list[dict[str, Any]],
    skipped: bool | None = None,
    again: bool = False,
) -> list[dict[str, Any]]:
    """Answer ``intent`` (now or after asking where the user is); ``again``: only the directory part, for a new place.

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
    country = location.country or (None if skipped else home_country(language))
    if (location.ambiguous or country is None) and in_danger(intent, tracker):
        dispatcher.utter_message(response="utter_emergency")  # 112 first, before asking where
    if location.ambiguous:
        ask_which(dispatcher, language, location.ambiguous, snapshot)
        return events + [SlotSet("pending_intent", intent)]
    if country is None:
        # a town names its country too; after "I don't know", ask for the country alone
        if spec.place == "municipality" and not skipped:
            ask_place(dispatcher, language)
        else:
            ask_country(dispatcher, language)
        return events + [SlotSet("pending_intent", intent)]
    location = dataclasses.replace(location, country=country)
    role = context.role(tracker, spec.role)
    extras = RESULTS[intent](tracker, language, snapshot, location.country) if intent in RESULTS and not again else Extras()
    for message in extras.messages:
        dispatcher.utter_message(**message)
    minor = spec.minor or extras.minor or context.minor(tracker)
    found = find(snapshot, location.country, extras.need or spec.need, location.municipality, role, minor, extras.urgent)
    offered = offer(spec, role, context.signs(tracker))
    question = offer_text(language, offered)
    dispatcher.utter_message(
        text=need_answer(snapshot, language, found) + (f"\n\n{question}" if question else ""),
        buttons=detail_buttons(language, spec, found, snapshot, offered),
    )
    # "answered": a town named next answers again, nearer (ActionSetLocation)
    return events + extras.clear + [SlotSet("pending_intent", None), SlotSet("answered", intent)] + (
        [SlotSet("minor", True)] if context.minor(tracker) else []) + (
        [SlotSet("role", "staff")] if role == "staff" else [])


def home_country(language: str) -> str | None:
    """The country whose language this is (nb: Norway): where a person writing it most likely is.

    Used only until a place is named, so the first screen can carry a number;
    the answer names the country and asks for the town, and a Norwegian writing
    from Sweden says so in one word.
    """
    return next((country for country, own in COUNTRIES.items() if own == language), None)


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
        if pending and location.country:
            return answer(dispatcher, tracker, pending, snapshot, [SlotSet("location_skipped", False)], skipped=False)
        # a place and a question in one message: answer the question there
        question = context.next_intent(tracker, {"inform_location"}) if len(context.text(tracker).split()) > 3 else None
        if question and location.country:
            return answer(dispatcher, tracker, question, snapshot, [SlotSet("location_skipped", False)], skipped=False)
        if location.country is None:
            dispatcher.utter_message(text=phrase(language, "place_not_recognised"))
            ask_country(dispatcher, language)
            return location.events
        # a place named now (the country entity may already be in its slot: Rasa maps it before the action runs)
        named = bool(location.events or context.entity(tracker, "country"))
        answered = tracker.get_slot("answered")
        if answered and named:  # after an answer: the help there
            return answer(dispatcher, tracker, answered, snapshot, [SlotSet("location_skipped", False)], skipped=False,
                          again=True)
        if not named:
            dispatcher.utter_message(text=phrase(language, "place_not_recognised"))
            return []
        # only a place, nothing asked yet: the help there at once (the most important contact first, then
        # what the place has), not a question back without a number (issue 12)
        return answer(dispatcher, tracker, "find_help", snapshot, [SlotSet("location_skipped", False)], skipped=False)


class ActionSkipLocation(Action):
    """The user does not know or will not say where they are: answer with national help."""

    def name(self) -> str:
        return "action_skip_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        # "I don't know where I am" is a question too: with nothing pending, it asks for help
        pending = tracker.get_slot("pending_intent") or "find_help"
        events = [SlotSet("location_skipped", True), SlotSet("municipality", None)]
        return answer(dispatcher, tracker, pending, default_store().snapshot, events, skipped=True)


class ActionPlaceOrFallback(Action):
    """A message not understood (or out of scope) that names a place is an answer to "where are you?".

    After "Which town?" people write just the town ("Båtsfjord", "Moss"): too
    short and too varied for the classifier, but the directory knows every
    municipality. Anything else gets the usual kind "I did not understand".
    """

    def name(self) -> str:
        return "action_place_or_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        recognition = default_store().snapshot.places.recognise(
            context.text(tracker), expecting=bool(tracker.get_slot("pending_intent")))
        if recognition.places or recognition.country:
            return await ActionSetLocation().run(dispatcher, tracker, domain)
        fallback = "utter_out_of_scope" if context.intent(tracker) == "out_of_scope" else "utter_fallback"
        dispatcher.utter_message(response=fallback)
        return []


class ActionAfterEmergency(Action):
    """After the emergency numbers (Rasa's own ``utter_emergency``): the rest of what the message asked.

    "They beat the new girl next door, whom do I call?" is an emergency and a
    question: 112 first, then the answer to the question (issue 16). The
    question is the classifier's best intent after ``emergency`` when it is
    one the directory answers and the classifier gave it some weight; signs
    of trafficking alone bring the national line. Otherwise the usual
    follow-up ("tell me where you are").
    """

    def name(self) -> str:
        return "action_after_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        rest = context.next_intent(tracker, {"emergency"})
        if rest is None and context.signs(tracker):
            rest = "trafficking_signs"
        if rest is None:
            dispatcher.utter_message(response="utter_emergency_followup")
            return []
        return answer(dispatcher, tracker, rest, default_store().snapshot, [])


class ActionRoleStaff(Action):
    """inform_role_staff: "I'm a nurse" gets the menu for professionals; "I'm a nurse, whom do I call?" the answer.

    The role slot is set by the intent itself (responses/domain.yml), so the
    answer is already the one for professionals.
    """

    def name(self) -> str:
        return "action_role_staff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        question = context.next_intent(tracker, {"inform_role_staff"}) if len(context.text(tracker).split()) > 5 else None
        if question is None:
            dispatcher.utter_message(response="utter_role_staff")
            return []
        return answer(dispatcher, tracker, question, default_store().snapshot, [])


class _Result(Action, abc.ABC):
    """A guided conversation's result (actions/guided.py ``RESULTS``), then the directory answer."""

    @property
    @abc.abstractmethod
    def result(self) -> str:
        """The key in RESULTS (and in actions/needs.yml); abstract, so rasa-sdk skips this base."""

    def name(self) -> str:
        return f"action_{self.result}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        return answer(dispatcher, tracker, self.result, default_store().snapshot, [])


class ActionSelfCheckResult(_Result):
    result = "self_check_result"


class ActionStaffRoutingResult(_Result):
    result = "staff_routing_result"
