"""The guided conversations' results: the self-check and the routing steps for professionals.

The forms (responses/forms.yml) ask the questions (the actions here); the
functions in ``RESULTS`` turn the answers into a result, which the result
actions (actions/help.py) put before the directory answer for the user's
place. The answers are cleared afterwards.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from bot.contract import EXPLOITATION_FORMS, PRINTABLE, intent_payload
from bot.directory import Snapshot
from bot.directory.present import sourced_text, with_named_contacts
from bot.i18n import phrase

SIGNS = ("deception", "documents", "movement", "wages", "debt", "threats", "isolation", "conditions")
ROUTING_SLOTS = ("sr_danger", "sr_minor", "sr_exploitation")


@dataclass
class Extras:
    """What a guided result adds to the directory answer."""

    messages: list[dict[str, Any]] = field(default_factory=list)  # uttered first: {"text": …} or {"response": …}
    need: str | None = None
    urgent: bool = False
    minor: bool = False
    clear: list[dict[str, Any]] = field(default_factory=list)


def self_check(tracker: Tracker, language: str, snapshot: Snapshot, country: str) -> Extras:
    answers = {sign: tracker.get_slot(f"sc_{sign}") for sign in SIGNS}
    extras = Extras(clear=[SlotSet(f"sc_{sign}", None) for sign in SIGNS])
    if answers["threats"] == "yes":
        extras.messages.append({"response": "utter_emergency"})
        extras.urgent = True
    signs = [sign for sign in SIGNS if answers[sign] == "yes"]
    if signs:
        lines = [phrase(language, "sc_result_intro")] + [f"• {phrase(language, f'sc_sign_{sign}')}" for sign in signs]
        lines.append(phrase(language, "sc_result_next"))
    else:
        lines = [phrase(language, "sc_result_none")]
    if "unsure" in answers.values():
        lines.append(phrase(language, "sc_result_unsure"))
    extras.messages.append({"text": "\n\n".join(lines)})
    return extras


def staff_routing(tracker: Tracker, language: str, snapshot: Snapshot, country: str) -> Extras:
    danger = tracker.get_slot("sr_danger") == "yes"
    minor = tracker.get_slot("sr_minor") in ("yes", "unsure")
    form = tracker.get_slot("sr_exploitation")
    form = form if form in EXPLOITATION_FORMS else None
    steps = ["sr_step_police"] if danger else []
    steps += (["sr_step_child"] if minor else []) + ["sr_step_talk", "sr_step_contact", "sr_step_document"]
    lines = [phrase(language, "sr_steps_intro")] + [
        phrase(language, step, number=number) for number, step in enumerate(steps, start=1)
    ]
    extras = Extras(
        messages=[{"text": "\n".join(lines), "json_message": {PRINTABLE: True}}],  # the web chat prints it
        need="child_protection" if minor else "staff_guidance",
        urgent=danger,
        minor=minor,
        clear=[SlotSet(slot, None) for slot in ROUTING_SLOTS],
    )
    guidance = snapshot.directory.guidance
    duty = guidance.get((country, "duty_to_report"))
    if duty:
        extras.messages.append({"text": with_named_contacts(sourced_text(duty, language, phrase(language, "sr_duty")),
                                                            snapshot.directory, country, language)})
    signs = guidance.get((country, f"indicators_{form}")) if form and form != "unknown" else None
    if signs:
        intro = phrase(language, "sr_indicators", form=phrase(language, f"exploitation_{form}"))
        extras.messages.append({"text": with_named_contacts(sourced_text(signs, language, intro),
                                                            snapshot.directory, country, language)})
    return extras


RESULTS = {"self_check_result": self_check, "staff_routing_result": staff_routing}


def in_danger(result: str, tracker: Tracker) -> bool:
    """Whether the answers so far mean danger (threats or violence; immediate danger for staff).

    Then the emergency numbers come first, before any question about the place.
    """
    if result == "self_check_result":
        return tracker.get_slot("sc_threats") == "yes"
    if result == "staff_routing_result":
        return tracker.get_slot("sr_danger") == "yes"
    return False


# The questions --------------------------------------------------------------
QUESTIONS = [f"sc_{sign}" for sign in SIGNS] + ["sr_danger", "sr_minor"]
EXPLOITATION_CHOICES = EXPLOITATION_FORMS


def question_buttons(slot: str, language: str) -> list[dict[str, str]]:
    if slot == "sr_exploitation":
        choices = [
            {"title": phrase(language, f"button_exploitation_{choice}"),
             "payload": intent_payload("staff_suspect_case", exploitation=choice)}
            for choice in EXPLOITATION_CHOICES
        ]
    else:
        choices = [{"title": phrase(language, f"button_{key}"), "payload": intent_payload(intent)}
                   for key, intent in (("yes", "affirm"), ("no", "deny"), ("unsure", "unsure"))]
    return choices + [{"title": phrase(language, "button_stop"), "payload": intent_payload("stop_flow")}]


class _Ask(Action, abc.ABC):
    """Asks one question of a form, in the user's language, with answer buttons."""

    @property
    @abc.abstractmethod
    def slot(self) -> str:
        """The slot asked for; abstract, so rasa-sdk skips this base."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        language = context.language(tracker)
        dispatcher.utter_message(text=phrase(language, f"ask_{self.slot}"), buttons=question_buttons(self.slot, language))
        return []


# one action class per question, so that Rasa's forms find action_ask_<slot>
ASK_ACTIONS = [type(f"ActionAsk_{slot}", (_Ask,), {"slot": slot}) for slot in [*QUESTIONS, "sr_exploitation"]]
