"""The language a message shows by itself, for a gateway's own texts (the fallback, notices).

The language of a matched emergency pattern, else a script only one shipped
language uses; None when the text does not say. Both gateways ask this when
no language was chosen in their menu.
"""
from __future__ import annotations

from collections.abc import Collection

from bot.language.script import candidates as script_candidates


def text_language(text: str, shipped: Collection[str], emergency: str | None) -> str | None:
    """``emergency``: what ``bot.nlu.keywords.match_emergency`` said of ``text`` (asked once by the caller)."""
    if emergency in shipped:
        return emergency
    usable = [code for code in script_candidates(text) if code in shipped]
    return usable[0] if usable else None
