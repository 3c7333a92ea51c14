"""Choose the answer language for one user turn, in order of strength.

1. an explicit choice by the user (sticky: it wins in every later turn);
2. what the text shows: its script and statistical detection when reliable,
   with the language of a matched emergency pattern as a hint — except
   between languages detection confuses (``close`` in bot/languages.yml:
   Norwegian, Danish, Swedish), where the conversation's language stays (in
   the first message, the app's);
3. in the first message of a conversation, the client's language code
   (``metadata.language_code``), negotiated: only a hint, because it is the
   app's interface language (often English for the people we serve);
4. the language already in use, else the default.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.language.detect import detect
from bot.language.negotiate import negotiate
from bot.language.supported import load_config

METADATA_KEY = "language_code"


@dataclass(frozen=True)
class Resolution:
    language: str
    chosen: bool  # True when the user asked for it explicitly


def resolve_language(
    *,
    current: str | None,
    chosen: bool,
    explicit: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    text: str | None = None,
    hint: str | None = None,
    first_message: bool = True,
) -> Resolution:
    config = load_config()
    picked = negotiate(explicit) if explicit else None
    if picked:
        return Resolution(picked, True)
    if chosen and current in config.shipped:
        return Resolution(current, True)
    detected = detect(text, hint)
    from_client = negotiate((metadata or {}).get(METADATA_KEY)) if first_message or current not in config.shipped else None
    if detected:
        # Norwegian, Danish and Swedish are read as one another: the conversation's (first: the app's) language wins
        before = from_client if first_message else current
        if before and before != detected and config.are_close(before, detected):
            return Resolution(before, False)
        return Resolution(detected, False)
    if from_client:
        return Resolution(from_client, False)
    if current in config.shipped:
        return Resolution(current, False)
    return Resolution(config.default, False)
