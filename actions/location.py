"""Where the user is: recognised from what they wrote, asked for when missing.

The place question can always be skipped ("I don't know"); the answer then
uses the country's national services and says how to get nearer help.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from bot.contract import intent_payload
from bot.directory import Snapshot
from bot.i18n import phrase
from bot.language.supported import load_config

COUNTRY_BUTTONS = (("NO", "button_norway"), ("DK", "button_denmark"), ("SE", "button_sweden"))


@dataclass
class Location:
    country: str | None
    municipality: str | None  # a municipality or county code
    ambiguous: list  # places to choose from
    events: list[dict[str, Any]]


def locate(tracker: Tracker, snapshot: Snapshot) -> Location:
    """The place from this message (button, entity or text), else from earlier turns."""
    remembered = context.country(tracker)
    country = context.entity(tracker, "country") or remembered
    code = context.entity(tracker, "municipality")
    if code and country and snapshot.directory.place(country, code):
        return Location(country, code, [], [SlotSet("country", country), SlotSet("municipality", code)])
    expecting = bool(tracker.get_slot("pending_intent"))  # the assistant just asked where
    home = load_config().home_country.get(context.language(tracker))  # "Lund" in Swedish: Skåne
    recognition = snapshot.places.recognise(context.text(tracker), country_hint=country, expecting=expecting,
                                            home_country=home)
    if recognition.ambiguous:
        return Location(country, None, recognition.places, [])
    if recognition.place is not None:
        place = recognition.place
        return Location(place.country, place.code, [], [SlotSet("country", place.country), SlotSet("municipality", place.code)])
    named = recognition.country or context.entity(tracker, "country")
    if named and named != remembered:
        # a new country makes an earlier municipality meaningless
        return Location(named, None, [], [SlotSet("country", named), SlotSet("municipality", None)])
    municipality = context.slot(tracker, "municipality") if country else None
    return Location(country, municipality, [], [])


def ask_place(dispatcher: CollectingDispatcher, language: str) -> None:
    dispatcher.utter_message(
        text=phrase(language, "ask_place"),
        buttons=[{"title": phrase(language, "button_dont_know"), "payload": intent_payload("skip_location")}],
    )


def ask_country(dispatcher: CollectingDispatcher, language: str) -> None:
    dispatcher.utter_message(
        text=phrase(language, "ask_country"),
        buttons=[
            {"title": phrase(language, key), "payload": intent_payload("inform_location", country=code)}
            for code, key in COUNTRY_BUTTONS
        ],
    )


def ask_which(dispatcher: CollectingDispatcher, language: str, places: list, snapshot: Snapshot) -> None:
    directory = snapshot.directory
    buttons = []
    for place in places[:8]:
        county = directory.countries[place.country].counties.get(place.county or "")
        title = f"{place.name} ({county.name})" if county else f"{place.name} ({place.country})"
        payload = intent_payload("inform_location", municipality=place.code, country=place.country)
        buttons.append({"title": title, "payload": payload})
    dispatcher.utter_message(text=phrase(language, "which_place", place=places[0].name), buttons=buttons)
