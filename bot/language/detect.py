"""Detect the language of a message: its script first, then lingua when the text is reliable.

The script settles Ge'ez (Tigrinya, which lingua does not know), Thai, and
narrows Arabic script and Cyrillic (``bot.language.script``). The detector
knows every language Veiviser is built for (so that a Romanian message is not
mistaken for a shipped one) but only answers with a shipped language.
Nynorsk's confidence counts for Bokmål through the aliases. A ``hint`` (the
language whose emergency pattern matched) decides between the candidates of
a script and for short texts, which statistics cannot judge.
"""
from __future__ import annotations

import functools
from collections import defaultdict

from bot.language.script import candidates
from bot.language.supported import load_config

MIN_CHARACTERS = 15
MIN_CONFIDENCE = 0.8


@functools.cache
def _detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    config = load_config()
    codes = set(config.all) | set(config.aliases)
    languages = []
    for code in sorted(codes):
        try:
            languages.append(Language.from_iso_code_639_1(IsoCode639_1.from_str(code)))
        except ValueError:  # a code lingua does not know (e.g. the "no" alias)
            continue
    # Low-accuracy mode (trigrams only) needs ~25 MB instead of ~450 MB and is reliable
    # for the texts we detect at all (15 characters or more); docs/evaluation.md "Design measurements".
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().with_preloaded_language_models().build()


def warm_up() -> None:
    """Load the language models now rather than on the first message."""
    _detector()


def confidences(text: str) -> dict[str, float]:
    """Confidence per language code, aliases folded into their target."""
    aliases = load_config().aliases
    merged: dict[str, float] = defaultdict(float)
    for value in _detector().compute_language_confidence_values(text):
        code = value.language.iso_code_639_1.name.lower()
        merged[aliases.get(code, code)] += value.value
    return dict(merged)


def detect(text: object, hint: str | None = None) -> str | None:
    """The shipped language ``text`` is written in, or None when unsure."""
    if not isinstance(text, str) or text.startswith("/"):
        return None
    stripped = text.strip()
    shipped = load_config().shipped
    allowed = candidates(stripped)
    usable = [code for code in allowed if code in shipped]
    hinted = hint if hint in shipped and (not allowed or hint in allowed) else None
    if allowed and (hinted or len(allowed) == 1):
        return hinted or (usable[0] if usable else None)
    if len(stripped) < MIN_CHARACTERS:
        return hinted or (usable[0] if usable else None)
    try:
        scores = confidences(stripped)
    except (UnicodeError, ValueError):  # e.g. a lone surrogate from a client that skipped the channel's clean-up
        return None
    if allowed:
        scores = {code: score for code, score in scores.items() if code in allowed}
        total = sum(scores.values())
        scores = {code: score / total for code, score in scores.items()} if total else {}
    best = max(scores, key=scores.get) if scores else None
    if best in shipped and scores[best] >= MIN_CONFIDENCE:
        return best
    return hinted or (usable[0] if usable else None)
