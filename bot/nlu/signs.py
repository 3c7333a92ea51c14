"""Signs of trafficking in what people write: patterns per language (``trafficking_signs/``).

A passport taken, pay withheld, a debt that grows, threats, being locked in,
someone else keeping the money, being forced to sell sex: any of these, in any
shipped language, brings the national trafficking line into the answer and
offers the self-check, whatever the message's intent (issue 12). Pure Python,
like the emergency keywords, and never cached by message text.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from re import Pattern

import yaml

from bot.text.folding import fold, letter_scripts, pattern_scripts
from bot.text.prefilter import PatternSet

SIGNS_PATH = Path(__file__).resolve().parent / "trafficking_signs"  # one file per language; README.md there
SIGNS = ("documents_taken", "pay_withheld", "debt", "threats", "confined", "money_taken", "forced_sex")
TEST_SECTIONS = ("examples", "near_misses")  # read by tests/test_signs.py, not by the matcher


def load_signs(folder: Path = SIGNS_PATH) -> tuple[tuple[str, str, Pattern[str]], ...]:
    """(language, sign, compiled pattern) of every file; a bad file or pattern fails loudly with its place."""
    return tuple((language, sign, pattern) for language, sign, pattern, _ in _scripted(folder))


@functools.cache
def _scripted(folder: Path) -> PatternSet[tuple[str, str, Pattern[str], frozenset[str]]]:
    """The patterns with the scripts each needs, worked out once (asking per message cost 1.6 ms), behind a
    literal prefilter, so that a message is searched only with the patterns that can match it."""
    patterns = []
    for path in sorted(folder.glob("*.yml")):
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle) or {}
        if not isinstance(raw, dict):
            raise ValueError(f"{path}: not a mapping of signs")
        unknown = set(raw) - set(SIGNS) - set(TEST_SECTIONS)
        if unknown:
            raise ValueError(f"{path}: unknown section(s) {sorted(unknown)}; use {', '.join(SIGNS)}")
        for sign in SIGNS:
            for index, pattern in enumerate(raw.get(sign) or []):
                try:
                    compiled = re.compile(pattern)
                    patterns.append((path.stem, sign, compiled, pattern_scripts(compiled)))
                except (re.error, TypeError) as error:
                    raise ValueError(f"{path}: {sign}[{index}]: {error}") from error
    return PatternSet(patterns, lambda entry: entry[2])


def prepare() -> None:
    """Compile the patterns and build their prefilter now (~2 s), not when the first message comes."""
    _scripted(SIGNS_PATH)


load_signs.cache_clear = _scripted.cache_clear  # the tests reload a changed file


def find_signs(text: str, folder: Path = SIGNS_PATH) -> list[str]:
    """The signs ``text`` shows, in the order of ``SIGNS``."""
    folded = fold(text)
    present = letter_scripts(folded)
    found = set()
    for _, sign, pattern, needs in _scripted(folder).candidates(folded):
        if sign in found:
            continue
        if needs and not needs & present:
            continue
        if pattern.search(folded):
            found.add(sign)
    return [sign for sign in SIGNS if sign in found]
