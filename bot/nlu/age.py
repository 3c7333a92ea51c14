"""A person under 18 in what people write: "I'm 16", "jeg er 15 år", "en 17-årig elev", "мне 16 лет".

A child who may be exploited is a child-protection case first, so the answer
puts the children's line first (``resources/priority.yml``: ``minors``),
whatever the question. The words per language are data (``age_words.yml``);
this module only finds a number from 1 to 17 next to one of them. Pure
Python, never cached by message text.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from bot.text.folding import fold

AGE_WORDS = Path(__file__).resolve().parent / "age_words.yml"
ADULT = 18
_NUMBER = r"(\d{1,2})"


@functools.cache
def _patterns(path: Path = AGE_WORDS) -> tuple[re.Pattern[str], re.Pattern[str]]:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)

    def words(section: str) -> str:
        found = {fold(str(w)) for ws in raw[section].values() for w in ws}
        return "|".join(re.escape(w) for w in sorted(found, key=len, reverse=True))

    not_after = "|".join(re.escape(fold(str(w))) for w in raw["not_after"])
    after = re.compile(rf"(?<!\d){_NUMBER}(?!\d)\s?-?\s?(?:{words('after')})(?!\w)")
    # Thai is written without spaces: a phrase may follow a Thai letter directly ("ฉันอายุ 16")
    before = re.compile(rf"(?:(?<!\w)|(?<=[\u0e00-\u0e7f]))(?:{words('before')})\s*{_NUMBER}(?!\d)(?![,.]\d)"
                        rf"(?!\s*(?:{not_after})(?!\w)(?!\s+(?:gammel|gammal|old)))")
    return after, before


def says_minor(text: str) -> bool:
    """Whether ``text`` gives an age under 18 (of the writer or of someone they write about)."""
    folded = fold(text)
    for pattern in _patterns():
        for match in pattern.finditer(folded):
            if 0 < int(match.group(1)) < ADULT:
                return True
    return False
