"""The contract between the assistant's own buttons and Rasa: payloads, and what their values may be.

Only the assistant sends intents. A button's payload is written by the
assistant (``intent_payload``), carried by a gateway marked as a payload
(``PAYLOAD_FLAG`` in the REST metadata), and checked again when it arrives
(``parse_payload``): the intent must be one the domain knows and every entity
one of ``ENTITY_CHECKS`` with a value that passes its check. Everything a
person types is text, never a payload, whatever it starts with
(``as_user_text``).

This module is pure Python: the gateways, the input channel and the actions
all import it, and it imports neither Rasa nor python-telegram-bot.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping

# The REST metadata key that marks a message as a button press (or another message
# the assistant itself composed), not as something a person typed.
PAYLOAD_FLAG = "payload"
LANGUAGE_CODE = "language_code"
# Set inside the server only (the REST channel keeps no client metadata but the two
# above): the keyword net's verdict on the message, when the server already asked it
# before the pipeline (bot.channels.admission), so the pipeline does not ask again.
KEYWORD_VERDICT = "veiviser_keyword_net"
FORGET_PAYLOAD = "/forget_me"  # erases the conversation; Rasa answers with custom {"erase_chat": true}
# Rasa's custom {"printable": true} after an answer: it may be printed for a case file
# (the staff routing steps); the web chat offers "Print the steps" for that answer alone.
PRINTABLE = "printable"
ERASE_CHAT = "erase_chat"


def flagged(messages: list, flag: str) -> bool:
    """Whether one of Rasa's messages carries ``custom: {flag: true}`` (``ERASE_CHAT``, ``PRINTABLE``)."""
    return any(isinstance(m, dict) and isinstance(m.get("custom"), dict) and m["custom"].get(flag) is True
               for m in messages)

COUNTRIES = ("NO", "DK", "SE")
# Intents the classifier never predicts: only the assistant's buttons send them (or, for
# trafficking_signs, bot.nlu.signs_extractor sets it); they have no training examples.
UNTRAINED_INTENTS = ("show_more", "self_check_start", "staff_steps", "trafficking_signs")
DETAILS = ("places", "rights", "call")  # what a detail button shows (actions/details.py)
EXPLOITATION_FORMS = ("sexual", "labour", "begging", "criminal", "organ_removal", "forced_marriage", "unknown")
_MUNICIPALITY_CODE = re.compile(r"\d{2,4}")  # a municipality (4 digits) or county/region code (2)
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
_INTENT = re.compile(r"[a-z][a-z0-9_]{0,63}")
_PAYLOAD = re.compile(r"/(?P<intent>[^{\s]+)(?P<entities>\{.*\})?", re.DOTALL)
MAX_PAYLOAD = 512
MAX_TEXT = 2000  # characters of one message; the gateways shorten with a notice, Rasa's channel cuts

ENTITY_CHECKS: dict[str, Callable[[str], bool]] = {
    "country": lambda value: value in COUNTRIES,
    "municipality": lambda value: bool(_MUNICIPALITY_CODE.fullmatch(value)),
    "language": lambda value: bool(_LANGUAGE_CODE.fullmatch(value)),
    "exploitation": lambda value: value in EXPLOITATION_FORMS,
    "detail": lambda value: value in DETAILS,
}


def valid_entity(name: str, value: object) -> bool:
    """Whether ``value`` may become the slot/entity ``name`` (the one place values are checked)."""
    check = ENTITY_CHECKS.get(name)
    return check is not None and isinstance(value, str) and check(value)


def intent_payload(intent: str, **entities: str) -> str:
    """``/intent{"name":"value"}`` for a button, written with json.dumps; refuses what it could not read back."""
    if not _INTENT.fullmatch(intent):
        raise ValueError(f"not an intent name: {intent!r}")
    for name, value in entities.items():
        if not valid_entity(name, value):
            raise ValueError(f"not a valid value for entity {name!r}")
    return f"/{intent}" + (json.dumps(entities, separators=(",", ":"), sort_keys=True) if entities else "")


def parse_payload(text: str, intents: Collection[str] | None = None) -> tuple[str, dict[str, str]] | None:
    """(intent, entities) of a well-formed payload, or None.

    Well-formed: ``/intent`` or ``/intent{…}`` with a JSON object of known
    entities and valid values; with ``intents``, the intent must be one of them.
    """
    if not isinstance(text, str) or len(text) > MAX_PAYLOAD:
        return None
    match = _PAYLOAD.fullmatch(text.strip())
    if match is None or not _INTENT.fullmatch(match.group("intent")):
        return None
    intent = match.group("intent")
    if intents is not None and intent not in intents:
        return None
    entities: dict[str, str] = {}
    if match.group("entities"):
        try:
            raw = json.loads(match.group("entities"))
        except ValueError:
            return None
        if not isinstance(raw, Mapping) or not all(valid_entity(k, v) for k, v in raw.items()):
            return None
        entities = dict(raw)
    return intent, entities


_LEADING = re.compile(r"^[\s/\u200b-\u200f\u2060\ufeff]+")


def as_user_text(text: str) -> str:
    """What a person typed, never read as a payload: leading white space, invisible marks and slashes go.

    "/hjelp" -> "hjelp", " / /forget_me" -> "forget_me".
    """
    return _LEADING.sub("", text)
