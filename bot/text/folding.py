"""Text folding shared by the keyword-based components.

People type without diacritics ("hjalp", "paa", "forstar"), so patterns and
names are matched on a folded form: lower case, Latin letters without
diacritics, Nordic letters spelt out. Other scripts (Cyrillic, Arabic, Thai)
are only lower-cased, because their combining marks carry meaning.

Folding is cached per character, never per text: a cache keyed on what
people wrote would keep their words in memory after "forget me".
"""
from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Iterable

# "İ".lower() is "i" + COMBINING DOT ABOVE (U+0307): dropped, so "İsveç" folds like "isvec".
_SPELT_OUT = str.maketrans({"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ı": "i", "\u0307": ""})
_SPACES = re.compile(r"\s+")
_APOSTROPHES = re.compile(r"['’`´]")


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    base = decomposed[0]
    if len(decomposed) > 1 and unicodedata.name(base, "").startswith("LATIN"):
        return base
    return char


def fold(text: str) -> str:
    """Lower-case, strip Latin diacritics, apostrophes to spaces ("can't" -> "can t"), collapse white space."""
    lowered = _APOSTROPHES.sub(" ", unicodedata.normalize("NFC", text).lower().translate(_SPELT_OUT))
    # "aa" is how many people type "å" on a foreign keyboard: keep both forms
    # comparable by folding "å" to "a" and leaving "aa" for patterns to allow.
    return _SPACES.sub(" ", "".join(_fold_char(c) for c in lowered)).strip()


_THAI = re.compile(r"[\u0e00-\u0e7f]+")
# The words Thai runs are split into. pythainlp's full dictionary (62,000 words)
# costs ~70 MB in the Rasa process; the models only need the words of their
# training data, so training finds those with the full dictionary
# (``thai_words``) and both training and prediction segment with them alone
# (``use_thai_words``, called by the components): consistent, and small.
_thai_dictionary = None
# pythainlp would create ~/pythainlp-data at import; it needs no data beyond its
# own package, so it is told to write nothing (the bundled word list is read).
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")


def written_without_spaces(text: str) -> bool:
    """Whether ``text`` has a script written without spaces between words (Thai)."""
    return bool(_THAI.search(text))


def thai_words(texts: Iterable[str]) -> list[str]:
    """The Thai words in ``texts``, found with pythainlp's full dictionary (training time only)."""
    from pythainlp.tokenize import word_tokenize

    found = {word for text in texts for run in _THAI.findall(fold(text))
             for word in word_tokenize(run, engine="newmm") if word.strip()}
    return sorted(found)


def use_thai_words(words: Iterable[str]) -> None:
    """Segment Thai with these words from now on (the same list in training and prediction)."""
    global _thai_dictionary
    from pythainlp.util import Trie

    _thai_dictionary = Trie(list(words))


def _thai_words(run: str) -> str:
    from pythainlp.tokenize import word_tokenize  # dictionary-based (newmm), offline, ~0.2 ms a message

    return " ".join(word for word in word_tokenize(run, custom_dict=_thai_dictionary, engine="newmm") if word.strip())


def features_text(text: str) -> str:
    """``fold`` plus word boundaries where the script has none: Thai is written without
    spaces, so its runs are segmented into words (docs/evaluation.md "Design measurements":
    Thai held-out macro-F1 0.85 -> 0.89). What the classifiers read."""
    folded = fold(text)
    return _THAI.sub(lambda match: _thai_words(match.group(0)), folded) if _THAI.search(folded) else folded


def letter_scripts(text: str) -> frozenset[str]:
    """The scripts of the letters in ``text`` (Unicode name prefix: LATIN, CYRILLIC, ARABIC, THAI, ETHIOPIC…)."""
    return frozenset(unicodedata.name(char, "?").split(" ", 1)[0] for char in set(text) if char.isalpha())


@functools.cache
def pattern_scripts(pattern: re.Pattern[str]) -> frozenset[str]:
    """The scripts a pattern's letters are written in: it cannot match a text with none of them.

    The keyword nets hold hundreds of patterns over 18 languages; a Latin-script
    message need not be tried against the Cyrillic, Arabic, Thai and Ge'ez ones.
    Escapes (``\\b``, ``\\w``) are not letters of the pattern; a pattern with no
    letters (digits, punctuation) is always tried.
    """
    return letter_scripts(re.sub(r"\\.", "", pattern.pattern))
