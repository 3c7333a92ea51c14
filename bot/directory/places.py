"""Recognise a municipality, county or country in free text, in any language.

Names and aliases come from ``resources/places``, country names from Babel.
Matching is on folded text (no diacritics), exact first — also for inflected
forms ("Bergens", "w Bergenie") — then fuzzy with rapidfuzz for typos
("Stokholm"). Names as other languages write them come from
``resources/places/exonyms`` ("Осло", "Sztokholmie", "ออสโล"; in scripts
written without spaces they are found inside the text); other places written
in another script are transliterated (anyascii: "Тромсё" → "tromse") and
matched fuzzily. Short names that are also ordinary words ("Moss", "Time", "Lund")
count only after a place preposition ("i", "in", "fra", "w", "în") or when the
message is little more than the name.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from anyascii import anyascii
from rapidfuzz import fuzz, process

from bot.directory.schema import Directory, Place
from bot.text.folding import fold, written_without_spaces
from bot.text.names import country_names, find_names
from bot.text.place_words import PREPOSITIONS, name_key

_WORD = re.compile(r"\w+")
_INFLECTIONS = ("s", "ie", "ii", "iu", "ei", "e", "a", "en", "u", "om", "y")
# Words that make the country after them a country of origin ("fra Danmark", "from Romania").
ORIGIN = frozenset("fra fran fraan fraa from z ze din из с від з от desde depuis".split())
# Arabic writes some prepositions and the article as part of the word ("بأوسلو", "لأوسلو", "والسويد").
_ARABIC_PREFIXES = ("وب", "ول", "وال", "بال", "لل", "ال", "ب", "ل", "و", "ف")
SHORT_MESSAGE = 3  # tokens: "Moss", "i Moss", "bor i Moss"
SAFE_LENGTH = 6  # names this long are rarely ordinary words
FUZZY_CUTOFF = 88
FUZZY_ALONE = 8  # a near miss this long counts without a preposition


@dataclass
class Recognition:
    """What a text says about where the writer is."""

    places: list[Place] = field(default_factory=list)  # one, or several when ambiguous
    country: str | None = None

    @property
    def ambiguous(self) -> bool:
        return len(self.places) > 1

    @property
    def place(self) -> Place | None:
        return self.places[0] if len(self.places) == 1 else None


class PlaceIndex:
    def __init__(self, directory: Directory) -> None:
        self.names: dict[str, list[Place]] = {}
        for country in directory.countries.values():
            for place in [*country.municipalities.values(), *country.counties.values()]:
                for name in (place.name, *place.aliases):
                    key = name_key(name)
                    if key and place not in self.names.setdefault(key, []):
                        self.names[key].append(place)
        self._choices = list(self.names)
        self._longest = max((len(k.split()) for k in self.names), default=1)
        # names in scripts written without spaces (Thai), longest first: found inside the text
        self._unspaced = sorted((k for k in self.names if written_without_spaces(k)), key=len, reverse=True)
        self._countries = {name_key(form): code for code, forms in directory.country_aliases.items() for form in forms}

    def recognise(self, text: str, country_hint: str | None = None, expecting: bool = False,
                  home_country: str | None = None) -> Recognition:
        """What ``text`` says about where the writer is; ``expecting``: it answers "where are you?"

        A name several countries share is narrowed by the country the message
        names, else ``country_hint`` (the conversation's), else ``home_country``
        (the one whose language the person writes).

        Then every word may be a place ("Hitra. I work in the fish factory"),
        as in a message that is little more than a name.
        """
        tokens = _WORD.findall(fold(text or "").replace("-", " "))
        result = Recognition()
        if not tokens:
            return result
        found: list[list[Place]] = self._inside(fold(text or ""))
        near: list[list[Place]] = []  # fuzzy or transliterated: count only when no name is exact ("i mange" is not Ånge)
        weak: list[list[Place]] = []  # counted only because a place was expected: "the signs are in danish" is not Åre
        short = expecting or len(tokens) <= SHORT_MESSAGE
        spelt = set(_WORD.findall(unicodedata.normalize("NFC", text or "").lower()))  # as written, diacritics kept
        i = 0
        while i < len(tokens):
            for n in range(min(self._longest, len(tokens) - i), 0, -1):
                span = " ".join(tokens[i:i + n])
                after_preposition = i > 0 and tokens[i - 1] in PREPOSITIONS
                exact = self._exact(span)
                places = (exact or self._fuzzy(span, after_preposition or short)
                          or self._transliterated(span, after_preposition or short))
                # a short name written with its own letters ("malmö", "Ørsta") is no ordinary word
                own_letters = bool(exact) and any(not p.name.isascii() and p.name.lower() in spelt for p in exact)
                strong = n > 1 or after_preposition or own_letters or len(span) >= SAFE_LENGTH
                if places and (strong or short):
                    (found if exact else near).append(places)
                    if not strong:
                        weak.append(places)
                    i += n
                    break
            else:
                i += 1
        folded_text = fold(text or "")
        named = [(code, folded_text[:start].split()[-1:]) for start, _, code in find_names(text or "", country_names(), stems=True)]
        # "I am from Denmark but work somewhere in Norway": a country one comes from is not where one is
        countries = [code for code, before in named if not (before and before[0] in ORIGIN)]
        countries += [code for code, before in named if before and before[0] in ORIGIN]
        countries += [self._countries[t] for t in tokens if t in self._countries]
        countries += [self._countries[t[len(p):]] for t in tokens for p in _ARABIC_PREFIXES
                      if "\u0600" <= t[:1] <= "\u06ff" and t.startswith(p) and t[len(p):] in self._countries]
        folded = fold(text or "")
        countries += [code for form, code in self._countries.items() if written_without_spaces(form) and form in folded]
        result.country = countries[0] if countries else None
        here = [code for code, before in named if not (before and before[0] in ORIGIN)]
        found += near
        if here:  # a country named outright outweighs a bare word that is also a place elsewhere
            found = [places for places in found
                     if not any(places is w for w in weak) or any(p.country in here for p in places)]
        if found:
            result.places = _prefer(_as_spelt(found[0], text or ""), (result.country, country_hint, home_country))
            if result.place:
                result.country = result.place.country
        return result

    def _exact(self, span: str) -> list[Place]:
        """The places named ``span``, also read as an inflected form ("Jönköpings", "Bergenie")."""
        found = list(self.names.get(span, ()))
        if not found and "\u0600" <= span[:1] <= "\u06ff":
            found = next((list(self.names[span[len(prefix):]]) for prefix in _ARABIC_PREFIXES
                          if span.startswith(prefix) and span[len(prefix):] in self.names), [])
        if any(p.kind == "municipality" for p in found):
            return found
        # no municipality by this exact name: try inflections ("Jönköpings kommun" is the town, not the county)
        if len(span) >= 5:
            for ending in _INFLECTIONS:
                if span.endswith(ending):
                    found += [p for p in self.names.get(span[: -len(ending)], ()) if p not in found]
        return found

    def _inside(self, folded: str) -> list[list[Place]]:
        """Names of scripts without spaces, found inside the text ("ฉันอยู่ที่ออสโล")."""
        for key in self._unspaced:
            if key in folded:
                return [self.names[key]]
        return []

    def _transliterated(self, span: str, in_context: bool) -> list[Place]:
        """A name in another script with no exonym entry, read in Latin letters ("Тромсё" → "tromse")."""
        if span.isascii():
            return []
        latin = name_key(anyascii(span))
        return self._exact(latin) or self._fuzzy(latin, in_context) if latin else []

    def _fuzzy(self, span: str, in_context: bool) -> list[Place]:
        """A near miss of one word ("Stokholm"): only after a preposition, in a short message, or for long words."""
        if " " in span or len(span) < 5 or not (in_context or len(span) >= FUZZY_ALONE):
            return []
        best = process.extractOne(span, self._choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return self.names[best[0]] if best else []


def _as_spelt(places: list[Place], text: str) -> list[Place]:
    """Of places whose names fold alike, those written exactly so (with their diacritics): Habo is not Håbo.

    Folding lets "Tromso" find Tromsø; but when "Habo" is both a name and the
    folded form of another ("Håbo"), the exact spelling decides. Ask back only
    when the spelling does not (the user wrote neither form exactly).
    """
    if len(places) < 2:
        return places
    lowered = unicodedata.normalize("NFC", text).lower()
    exact = [p for p in places if any(re.search(rf"(?<!\w){re.escape(unicodedata.normalize('NFC', name).lower())}(?!\w)", lowered)
                                      for name in (p.name, *p.aliases))]
    return exact if exact and len(exact) < len(places) else places


def _prefer(places: list[Place], countries: tuple[str | None, ...]) -> list[Place]:
    """Narrow a name shared by several places: to the first of ``countries`` that has it;
    a municipality over a county of the same name ("Oslo", "Stockholm"). What is left
    may still be ambiguous (Herøy, Våler), and then the user is asked."""
    for country in countries:
        if country and any(p.country == country for p in places):
            places = [p for p in places if p.country == country]
            break
    return [p for p in places if p.kind == "municipality"] or places
