"""Phone numbers inside right-to-left text (Arabic, Persian).

The Unicode bidirectional algorithm lays out the digit groups of "+47 22 33
11 60" or "116 111" from right to left inside Arabic-script text, so a reader
would dial "60 11 33 22 +47" or "111 116". Each number is therefore wrapped in
LEFT-TO-RIGHT ISOLATE ... POP DIRECTIONAL ISOLATE, which keeps it in one
left-to-right run (Telegram, browsers and modern terminals implement
isolates; where they do not, the marks are invisible). Text without a
right-to-left letter is returned unchanged.
"""
from __future__ import annotations

import re

LRI, PDI = "\u2066", "\u2069"
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_NUMBER = re.compile(r"(?<![\d\u2066])\+?\d(?:[\d\s\-–]*\d)?(?![\d\u2069])")


def isolate_numbers(text: str) -> str:
    """``text`` with each number held left to right, when the text has right-to-left letters."""
    if not text or not _RTL.search(text):
        return text
    return _NUMBER.sub(lambda match: f"{LRI}{match.group(0)}{PDI}", text)
