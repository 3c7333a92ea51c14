"""Find names of languages and countries in a message, using Babel's locale data.

Babel knows what every language and country is called in every other
language ("svenska", "Swedish", "szwedzki"; "Norge", "Norway", "Norvegia"), so
no list of names is written by hand. Names are matched on folded text.
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path

from babel import Locale

from bot.contract import COUNTRIES
from bot.language.supported import load_config
from bot.text.folding import fold

_VOWEL_END = re.compile(r"[aeiouyаяеиоуыюіїєąęæøå]$")


def _display_locales() -> list[Locale]:
    config = load_config()
    return [Locale.parse(code) for code in config.all]


NAMES_FILE = Path(__file__).resolve().parent / "names.json"


@functools.cache
def _stored() -> dict[str, dict[str, str]]:
    """The name index, computed from Babel by `veiviser names` and shipped as names.json.

    Building it at run time would load 15 locales of CLDR data into the Rasa
    server (48 MB) to answer what never changes between Babel releases.
    """
    with open(NAMES_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def language_names() -> dict[str, str]:
    return _stored()["languages"]


def country_names() -> dict[str, str]:
    return _stored()["countries"]


def build_index() -> dict[str, dict[str, str]]:
    """The index from Babel's locale data (``veiviser names`` writes it to names.json)."""
    return {"languages": build_language_names(), "countries": build_country_names(), "own": build_own_names()}


def build_own_names() -> dict[str, str]:
    """Each language's name for itself, capitalised for a button ("Norsk bokmål", "ትግርኛ")."""
    own = {}
    for code in load_config().all:
        name = Locale.parse(code).get_display_name(code) or code
        own[code] = name[:1].upper() + name[1:]
    return own


def own_names() -> dict[str, str]:
    """The language menu's names, from names.json: loading every locale of Babel into the
    Rasa server for them would cost ~1.6 MB a language (21 MB for the shipped ones)."""
    return _stored().get("own", {})


def stored_babel_version() -> str | None:
    """The Babel release names.json was built with: CLDR renames languages between releases
    (Babel 2.19 calls Italian "tiếng Ý", no longer "tiếng Italy"), so the index is
    only comparable with the Babel that built it — the one requirements.lock pins."""
    return _stored().get("babel")


def build_language_names() -> dict[str, str]:
    """Folded language name -> language code, for every language we know of.

    Aliases ("norsk" for "no", "nynorsk") point to the language they serve.
    """
    config = load_config()
    targets = set(config.all) | set(config.aliases) | set(config_recognised())
    names: dict[str, str] = {}
    for display in _display_locales():
        for code in targets:
            name = display.languages.get(code)
            if name:
                names.setdefault(fold(name), config.aliases.get(code, code))
    for code in targets:
        own = Locale.parse(code).get_display_name(code)
        if own:
            names.setdefault(fold(own), config.aliases.get(code, code))
    return names


def config_recognised() -> tuple[str, ...]:
    """Languages we can name but do not speak, to say so kindly."""
    return ("de", "it", "pt", "nl", "fi", "tr", "fa", "so", "ti", "am", "zh", "tl", "ur", "sq", "hu", "cs", "sk", "hr", "sr", "uz", "ku", "ps", "hi", "ta", "ne")


def build_country_names() -> dict[str, str]:
    """Folded country name -> ISO 3166 code for the three countries."""
    names: dict[str, str] = {}
    for display in _display_locales():
        for code in COUNTRIES:
            name = display.territories.get(code)
            if name:
                names[fold(name)] = code
    return names


@functools.cache
def _pattern(names: tuple[str, ...], stems: bool) -> re.Pattern:
    alternatives = []
    for name in sorted(names, key=len, reverse=True):
        escaped = re.escape(name)
        if stems and len(name) >= 6 and _VOWEL_END.search(name):
            # inflected forms: "Norwegii", "Норвегии", "Sveriges"
            escaped = re.escape(name[:-1]) + r"\w{0,3}"
        elif stems:
            escaped += r"s?"
        alternatives.append(escaped)
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)")


def find_names(text: str, names: dict[str, str], stems: bool = False) -> Iterable[tuple[int, int, str]]:
    """(start, end, code) of every name in ``text``; offsets refer to the folded text."""
    folded = fold(text)
    for match in _pattern(tuple(names), stems).finditer(folded):
        found = match.group(1)
        code = names.get(found) or _by_stem(found, names)
        if code:
            yield match.start(1), match.end(1), code


def _by_stem(found: str, names: dict[str, str]) -> str | None:
    for name, code in names.items():
        if found.startswith(name[:-1]) or found == name + "s":
            return code
    return None
