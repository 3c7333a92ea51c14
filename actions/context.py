"""What the actions read from a conversation, in one place."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from rasa_sdk import Tracker

from bot.contract import valid_entity
from bot.language import load_config, negotiate

NEEDS_PATH = Path(__file__).resolve().parent / "needs.yml"


@dataclass(frozen=True)
class Need:
    intent: str
    need: str
    place: str  # "municipality" or "country"
    minor: bool = False
    rights: str | None = None  # the rights text behind "More about my rights"
    guidance: tuple[str, ...] = ()  # guidance texts (resources/guidance)
    role: str | None = None  # who asks, when the intent says it
    offer: str | None = None  # a guided conversation offered under the answer


@functools.cache
def needs() -> dict[str, Need]:
    with open(NEEDS_PATH, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return {
        intent: Need(intent, spec["need"], spec["place"], bool(spec.get("minor")),
                     spec.get("rights") or (intent if intent.startswith("rights_") else None),
                     tuple(spec.get("guidance") or ()), spec.get("role"),
                     spec.get("offer"))
        for intent, spec in raw.items()
    }


def language(tracker: Tracker) -> str:
    return negotiate(tracker.get_slot("language")) or load_config().default


def country(tracker: Tracker) -> str | None:
    value = tracker.get_slot("country")
    return value if valid_entity("country", value) else None


def slot(tracker: Tracker, name: str) -> str | None:
    """A slot that holds an entity value, or None when the value is not a valid one (bot.contract)."""
    value = tracker.get_slot(name)
    return value if valid_entity(name, value) else None


def role(tracker: Tracker, asked_as: str | None = None) -> str:
    """staff once they said so; else who the question says is asking; else the person themselves."""
    return "staff" if tracker.get_slot("role") == "staff" else asked_as or "victims"


def signs(tracker: Tracker) -> list[str]:
    """The signs of trafficking the latest message shows (bot.nlu.signs_extractor)."""
    return [found["value"] for found in (tracker.latest_message or {}).get("entities") or []
            if isinstance(found, dict) and found.get("entity") == "trafficking_sign" and isinstance(found.get("value"), str)]


def intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def text(tracker: Tracker) -> str:
    message_text = (tracker.latest_message or {}).get("text") or ""
    return "" if message_text.startswith("/") else message_text


def entity(tracker: Tracker, name: str) -> str | None:
    """The latest message's entity ``name``, if its value is valid (bot.contract)."""
    for found in (tracker.latest_message or {}).get("entities") or []:
        if isinstance(found, dict) and found.get("entity") == name and valid_entity(name, found.get("value")):
            return found["value"]
    return None


def next_intent(tracker: Tracker, skip: frozenset[str] | set[str], minimum: float = 0.1) -> str | None:
    """The classifier's best intent that the directory answers, other than ``skip``, if it has some weight.

    A message is often two things at once: an emergency and a question, or a
    place and a question ("where can I report my employer? Ålesund").
    """
    for ranked in (tracker.latest_message or {}).get("intent_ranking") or []:
        name = ranked.get("name")
        if name not in skip and name in needs() and (ranked.get("confidence") or 0) >= minimum:
            return name
    return None


def minor(tracker: Tracker) -> bool:
    """Whether the person (or the one they write about) is under 18: said now or earlier in the conversation."""
    return bool(tracker.get_slot("minor")) or any(
        isinstance(found, dict) and found.get("entity") == "age_group" and found.get("value") == "minor"
        for found in (tracker.latest_message or {}).get("entities") or [])
