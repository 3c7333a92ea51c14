"""The keyword half of the safety net: patterns per language for messages about acute danger.

Pure Python (no Rasa), so that the gateways can use it too: a message these
patterns mark as acute danger passes every rate limit and queue. Nothing here
is cached by message text: a cache keyed on what people wrote would keep
their words in memory after "forget me" and past the retention time.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from re import Pattern

import yaml

from bot.text.folding import fold, letter_scripts, pattern_scripts
from bot.text.prefilter import PatternSet

KEYWORDS_PATH = Path(__file__).resolve().parent / "emergency_keywords"  # one file per language; README.md there
ANY = "any"  # lone cries in every language: tried first, never calmed
DANGER = "danger"
CALM = "calm"  # marks of danger that is over or not meant ("two years ago", "lol")
NOW = "now"  # marks of danger now ("right now", "tonight"): they outweigh the calm marks
RESERVED = (CALM, NOW)
# A cry is often typed with a held key ("AYUDAAA", "helppp", "помогитеее"): a letter
# three or more times in a row is read once. No pattern needs a letter tripled.
_HELD_KEY = re.compile(r"([^\W\d_])\1{2,}")


def _compile(path: Path, section: str, patterns: list | None) -> list[tuple[str, Pattern[str]]]:
    compiled = []
    for index, pattern in enumerate(patterns or []):
        try:
            compiled.append((section, re.compile(pattern)))
        except re.error as error:
            raise ValueError(f"{path}: {section}[{index}]: {error}") from error
    return compiled


def _order() -> list[str]:
    """``any``, then the languages of bot/languages.yml; languages that share a script in the order
    ``bot.language.script`` gives them. The first file that matches is the hint for the answer language,
    and a Cyrillic cry without a Ukrainian letter ("спасите меня") is most often Russian."""
    from bot.language.script import SHARED_SCRIPTS
    from bot.language.supported import load_config

    order = list(load_config().all)
    for group in SHARED_SCRIPTS:
        members = [code for code in group if code in order]
        if members:
            at = min(order.index(code) for code in members)
            order = [code for code in order if code not in members]
            order[at:at] = members
    return [ANY, *order]


def _files(folder: Path) -> list[Path]:
    """The language files in ``_order``, then any other."""
    order = _order()
    return sorted(folder.glob("*.yml"), key=lambda p: (order.index(p.stem) if p.stem in order else len(order), p.stem))


@functools.cache
def _load(folder: Path) -> dict[str, PatternSet[tuple[str, Pattern[str], frozenset[str]]]]:
    """Per section: (language, compiled pattern, the scripts it needs), the scripts worked out once here
    (asking ``pattern_scripts`` per message hashed every pattern every time: 1.6 ms a message), behind a
    literal prefilter, so that a message is searched only with the patterns that can match it."""
    sections: dict[str, list[tuple[str, Pattern[str], frozenset[str]]]] = {DANGER: [], CALM: [], NOW: []}
    for path in _files(folder):
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle) or {}
        unknown = set(raw) - set(sections) if isinstance(raw, dict) else {"(not a mapping)"}
        if unknown:
            raise ValueError(f"{path}: unknown section(s) {sorted(unknown)}; use danger, calm, now")
        for section in sections:
            sections[section] += [(path.stem, pattern, pattern_scripts(pattern))
                                  for _, pattern in _compile(path, section, raw.get(section))]
    return {section: PatternSet(patterns, lambda entry: entry[1]) for section, patterns in sections.items()}


def load_patterns(path: Path = KEYWORDS_PATH) -> tuple[tuple[str, Pattern[str]], ...]:
    """(language, compiled pattern) pairs of the danger patterns; a bad pattern fails loudly with its place."""
    return tuple((language, pattern) for language, pattern, _ in _load(path)[DANGER])


def prepare() -> None:
    """Compile the patterns and build their prefilter now (~1.5 s), not when the first message comes."""
    _load(KEYWORDS_PATH)


load_patterns.cache_clear = _load.cache_clear  # the tests reload a changed file


def calm(folded: str, path: Path = KEYWORDS_PATH) -> bool:
    """Whether the message says the danger is over or not meant, and nothing says it is now.

    Only the marks of languages the message's script allows count: Arabic's "حالا" (*right now*)
    is Persian's ordinary *now* ("now I am in Sweden"), and a Persian message (پ چ ژ گ ک ی) is
    judged by Persian's marks alone."""
    from bot.language.script import DECIDED_BY_SCRIPT, candidates

    possible = candidates(folded)
    patterns = _load(path)

    def marks(section: str) -> list[Pattern[str]]:
        return [pattern for language, pattern, _ in patterns[section].candidates(folded)
                if not possible or language not in DECIDED_BY_SCRIPT or language in possible]

    if any(pattern.search(folded) for pattern in marks(NOW)):
        return False
    return any(pattern.search(folded) for pattern in marks(CALM))


def match_emergency(text: str) -> str | None:
    """The language whose pattern matched ``text`` (and no calm mark outweighs it), or None."""
    folded = _HELD_KEY.sub(r"\1", fold(text))
    present = letter_scripts(folded)
    for language, pattern, needs in _load(KEYWORDS_PATH)[DANGER].candidates(folded):
        if needs and not needs & present:
            continue
        if pattern.search(folded):
            return None if language != ANY and calm(folded) else language
    return None
