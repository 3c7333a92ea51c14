"""Choose the answer language for one user turn, in order of strength.

1. an explicit choice by the user (sticky: it wins in every later turn);
2. the client's language code (``metadata.language_code``), negotiated;
3. detection from the text, when reliable;
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
) -> Resolution:
    config = load_config()
    picked = negotiate(explicit) if explicit else None
    if picked:
        return Resolution(picked, True)
    if chosen and current in config.shipped:
        return Resolution(current, True)
    from_client = negotiate((metadata or {}).get(METADATA_KEY))
    if from_client:
        return Resolution(from_client, False)
    detected = detect(text)
    if detected:
        return Resolution(detected, False)
    if current in config.shipped:
        return Resolution(current, False)
    return Resolution(config.default, False)
