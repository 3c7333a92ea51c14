"""Which languages a text can be in, from its script alone.

Runs before statistical detection, which needs 15 characters or more and
cannot tell Tigrinya at all: Ge'ez script is Tigrinya (the Eritrean users we
build for), Thai script is Thai, Arabic script is Persian when it has a
letter Arabic lacks (پ چ ژ گ, and the Persian forms of kaf and yeh ک ی), else Arabic or Persian; Cyrillic is Ukrainian
when it has і ї є ґ, else Russian, Ukrainian or Bulgarian. Latin script says
nothing. Short cries ("помогите", "ช่วยด้วย") are thus answered in a language
the writer reads.
"""
from __future__ import annotations

import unicodedata

_PERSIAN_ONLY = frozenset("پچژگکی")
_UKRAINIAN_ONLY = frozenset("іїєґ")
# The languages a script leaves open, most likely first: Cyrillic without a
# Ukrainian letter is most often Russian; Arabic script without a Persian letter, Arabic.
CYRILLIC = ("ru", "uk", "bg")
ARABIC_SCRIPT = ("ar", "fa")
SHARED_SCRIPTS = (CYRILLIC, ARABIC_SCRIPT)
# Languages whose text the script alone rules in or out.
DECIDED_BY_SCRIPT = frozenset({"ti", "th", *CYRILLIC, *ARABIC_SCRIPT})


def _script(char: str) -> str | None:
    code = ord(char)
    if 0x1200 <= code <= 0x139F or 0x2D80 <= code <= 0x2DDF or 0xAB00 <= code <= 0xAB2F:
        return "ethiopic"
    if 0x0E00 <= code <= 0x0E7F:
        return "thai"
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    return None


def candidates(text: str) -> tuple[str, ...]:
    """The languages the text's main non-Latin script allows, most likely first; () for Latin or mixed-unknown."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha() or unicodedata.category(char).startswith("M"):
            script = _script(char)
            if script:
                counts[script] = counts.get(script, 0) + 1
    if not counts:
        return ()
    script = max(counts, key=counts.get)
    lowered = text.lower()
    if script == "ethiopic":
        return ("ti",)
    if script == "thai":
        return ("th",)
    if script == "arabic":
        return ("fa",) if _PERSIAN_ONLY & set(lowered) else ARABIC_SCRIPT
    if _UKRAINIAN_ONLY & set(lowered):
        return ("uk",)
    return CYRILLIC
