"""How place names are written and looked up: the lookup form of a name, and the words that put a place after them.

Shared by the help directory's place recognition (``bot.directory.places``)
and the pipeline's ``PlaceNameClassifier``, which needs only this much — not
the directory's fuzzy matching and its libraries — in the Rasa server.
"""
from __future__ import annotations

import re

from bot.text.folding import fold, written_without_spaces

_WORD = re.compile(r"\w+")
_SUFFIXES = (" kommune", " kommun", " municipality", " fylke", " fylkeskommune", " lan", " region", " county", " stad")
# Words that put a place after them, in the languages we build for. Words that
# are also common in another language ("we", "de", "en", "to") are left out.
PREPOSITIONS = frozenset(
    "i in pa paa fra fran fraan ved vid naer nar nara near at from around outside utenfor udenfor utanfor "
    "w na din langa aproape в во из под около dans pres cerca "
    "от във край близо біля поблизу возле під pod kolo obok prie netoli nuo "
    "في من الى إلى قرب عند fi f"  # Arabic (and Arabizi): "في مالمو", "ana f malmo"
    .split()
)


def name_key(name: str) -> str:
    """The form a place name is looked up by: folded, no suffix such as " kommune", words joined by one space."""
    if written_without_spaces(name):  # Thai: \w+ would split at vowel and tone marks
        return fold(name).replace(" ", "")
    key = fold(name).replace("-", " ")
    for suffix in _SUFFIXES:
        if key.endswith(suffix):
            key = key[: -len(suffix)]
    return " ".join(_WORD.findall(key))
