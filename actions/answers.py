"""Compose the directory's answer to a need, and what its detail buttons show, in the user's language."""
from __future__ import annotations

import datetime as dt
from typing import Any

from actions.context import Need
from bot.contract import intent_payload
from bot.directory import Snapshot
from bot.directory.hours import local_now
from bot.directory.lookup import Answer
from bot.directory.present import (
    answer_text,
    has_more,
    more_text,
    rights_text,
    service_card,
    with_named_contacts,
)
from bot.i18n import phrase

# offer -> (the question under the answer or None, the button, the intent the button sends)
OFFERS = {
    "self_check": (None, "button_self_check", "self_check_start"),  # the button is the offer: the first screen stays short
    "staff_steps": ("offer_staff_steps", "button_staff_steps", "staff_steps"),
}


def find(snapshot: Snapshot, country: str, need: str, municipality: str | None, role: str, minor: bool,
         urgent: bool = False, now: dt.datetime | None = None) -> Answer:
    return snapshot.finder.find(country, need, municipality, role=role, minor=minor, urgent=urgent, now=now)


def _now(snapshot: Snapshot, country: str, now: dt.datetime | None = None) -> dt.datetime:
    return local_now(snapshot.directory.countries[country].time_zone, now)


def need_answer(snapshot: Snapshot, language: str, answer: Answer, now: dt.datetime | None = None) -> str:
    """The first screen: the first contact and the need's best service, each with its number."""
    return answer_text(answer, snapshot.directory, language, _now(snapshot, answer.country, now))


def more_answer(snapshot: Snapshot, language: str, answer: Answer, now: dt.datetime | None = None) -> str:
    """Every service found, in full, with where each was checked."""
    text = more_text(answer, snapshot.directory, language, _now(snapshot, answer.country, now))
    return with_named_contacts(text, snapshot.directory, answer.country, language, answer.place, answer.county)


def call_answer(snapshot: Snapshot, language: str, answer: Answer, now: dt.datetime | None = None) -> str | None:
    """Everything about the first contact: what it offers, when it is open, whether it is anonymous and free."""
    match = answer.first or (answer.matches[0] if answer.matches else None)
    if match is None:
        return None
    return with_named_contacts(service_card(match, language, _now(snapshot, answer.country, now)),
                               snapshot.directory, answer.country, language, answer.place, answer.county)


def has_details(snapshot: Snapshot, country: str, spec: Need) -> bool:
    """Whether the country has a rights or guidance text for the need (the "More about my rights" button)."""
    directory = snapshot.directory
    return (country, spec.rights) in directory.rights or any((country, key) in directory.guidance for key in spec.guidance)


def detail_texts(snapshot: Snapshot, language: str, country: str, spec: Need, municipality: str | None = None) -> list[str]:
    """The need's rights and guidance texts for the country, each with its legal basis and source,
    and the contact of every service they name (the nearest to ``municipality``)."""
    texts = []
    right = snapshot.directory.rights.get((country, spec.rights)) if spec.rights else None
    if right:
        texts.append(rights_text(right, language))
    for key in spec.guidance:
        guidance = snapshot.directory.guidance.get((country, key))
        if guidance:
            texts.append(rights_text(guidance, language))
    place, county = snapshot.directory.municipality_and_county(country, municipality)
    return [with_named_contacts(text, snapshot.directory, country, language, place, county) for text in texts]


def detail_buttons(language: str, spec: Need, answer: Answer, snapshot: Snapshot, offer: str | None) -> list[dict[str, Any]]:
    """What is one tap away from the first screen; an offered guided conversation comes first."""
    buttons = []
    if offer in OFFERS:
        _, button, intent = OFFERS[offer]
        buttons.append({"title": phrase(language, button), "payload": intent_payload(intent)})
    if has_details(snapshot, answer.country, spec):
        key = "button_more_rights" if spec.rights else "button_more_guidance"
        buttons.append({"title": phrase(language, key), "payload": intent_payload("show_more", detail="rights")})
    if has_more(answer):
        buttons.append({"title": phrase(language, "button_other_places"), "payload": intent_payload("show_more", detail="places")})
    if answer.first or answer.matches:
        buttons.append({"title": phrase(language, "button_what_if_call"), "payload": intent_payload("show_more", detail="call")})
    return buttons


def offer_text(language: str, offer: str | None) -> str | None:
    key = OFFERS[offer][0] if offer in OFFERS else None
    return phrase(language, key) if key else None
