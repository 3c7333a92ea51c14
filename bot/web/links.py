"""Phone numbers and web addresses in an answer, as parts the page turns into ``tel:`` and web links.

The page never reads Rasa's text as HTML: the gateway cuts each text into
parts (plain text, a number to call, an address to open) and the page builds
elements from them with ``textContent``. A number is linked as written, so a
phone dials "22 33 11 60" in Norway and "+45 70 20 25 50" from anywhere, just
as a person would. Numbers are found by phonenumbers for the three countries,
and short numbers (112, 113, 116 111, 114 14) by its short-number tables, so a
year, an age or an amount is never made a link.
"""
from __future__ import annotations

import re
from typing import Any

import phonenumbers
from phonenumbers import Leniency, shortnumberinfo

from bot.contract import COUNTRIES
from bot.i18n.bidi import LRI, PDI

_SHORT = re.compile(r"(?<![\d+])\d{3,5}(?: \d{2,3})?(?![\d])")
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_TRAILING = ".,;:!?)»”’'"
_ISOLATES = str.maketrans("", "", LRI + PDI)


def _short(candidate: str) -> bool:
    digits = candidate.replace(" ", "")
    for region in COUNTRIES:
        try:
            if shortnumberinfo.is_valid_short_number(phonenumbers.parse(digits, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


def _spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every number and address, the longest where they overlap."""
    found: list[tuple[int, int, str]] = []
    for match in _URL.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in _TRAILING:
            end -= 1
        found.append((match.start(), end, "url"))
    for region in COUNTRIES:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
            found.append((match.start, match.end, "tel"))
    found.extend((m.start(), m.end(), "tel") for m in _SHORT.finditer(text) if _short(m.group(0)))
    chosen: list[tuple[int, int, str]] = []
    for span in sorted(found, key=lambda s: (s[0], -(s[1] - s[0]))):
        if chosen and span[0] < chosen[-1][1]:  # overlaps the one before, which starts earlier or is longer
            if span[2] == "tel" and chosen[-1][2] == "tel" and span[1] > chosen[-1][1]:
                chosen[-1] = (chosen[-1][0], span[1], "tel")  # "020-50" (NO) and "020-50 50 50" (SE)
            continue
        chosen.append(span)
    return chosen


def tel_href(number: str) -> str:
    """``tel:`` with the digits as written (and a leading +)."""
    return "tel:" + ("+" if number.lstrip().startswith("+") else "") + re.sub(r"\D", "", number)


def parts(text: str) -> list[dict[str, Any]]:
    """The text as parts: ``{"text"}``, ``{"text", "tel"}`` or ``{"text", "url"}``, in order.

    The isolate marks around numbers (``bot.i18n.bidi``) are dropped: the page
    holds each link left to right itself.
    """
    text = text.translate(_ISOLATES)
    result: list[dict[str, Any]] = []
    position = 0
    for start, end, kind in _spans(text):
        if start > position:
            result.append({"text": text[position:start]})
        value = text[start:end]
        result.append({"text": value, "tel": tel_href(value)} if kind == "tel" else {"text": value, "url": value})
        position = end
    if position < len(text):
        result.append({"text": text[position:]})
    return result
