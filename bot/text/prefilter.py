"""Run only the patterns that can match: a literal prefilter for the keyword and signs nets.

The safety net's and the signs net's ~1,600 regular expressions were searched
one after another on every message (1.2 ms of the Rasa server's CPU a message,
a sixth of it). Almost every pattern needs some literal text to match —
"помог", "passport", "låst" — and a message contains the literals of a handful.
So each pattern's *required literals* are worked out once, from the pattern's
own parse tree: a set of strings of which every match must contain at least
one. A message is scanned once for all of them (Aho-Corasick), and only the
patterns whose literals it contains, plus those without any, are searched.

The prefilter never changes a verdict: a pattern it skips cannot match,
because every match contains one of its literals (``tests/test_prefilter.py``
compares both ways on every held-out and training message). What it cannot
work out (a pattern made only of classes and wildcards, case-insensitive
flags) it leaves to be searched every time.
"""
from __future__ import annotations

import re
import sre_parse as _parser  # Python's own parser (3.10, as pyproject.toml requires; 3.11 calls it re._parser)
from collections.abc import Iterable, Sequence
from re import Pattern
from sre_constants import ASSERT, ASSERT_NOT, AT, BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, SUBPATTERN
from typing import Generic, TypeVar

import ahocorasick

T = TypeVar("T")
_ZERO_WIDTH = (AT, ASSERT, ASSERT_NOT)  # add nothing a match must contain, take nothing away


def required_literals(pattern: Pattern[str]) -> frozenset[str] | None:
    """Strings of which every match of ``pattern`` contains at least one; None when none are known."""
    if pattern.flags & re.IGNORECASE:
        return None
    return _sequence(_parser.parse(pattern.pattern, pattern.flags))


def _sequence(items: Iterable) -> frozenset[str] | None:
    """The most selective requirement of one element of a sequence; runs of literals count as one string."""
    best: frozenset[str] | None = None
    run: list[str] = []

    def consider(candidate: frozenset[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or _strength(candidate) > _strength(best)):
            best = candidate

    for op, argument in items:
        if op is LITERAL:
            run.append(chr(argument))
            continue
        if run:
            consider(frozenset({"".join(run)}))
            run = []
        if op in _ZERO_WIDTH:
            continue
        consider(_element(op, argument))
    if run:
        consider(frozenset({"".join(run)}))
    return best


def _element(op, argument) -> frozenset[str] | None:
    if op is SUBPATTERN:
        group, add_flags, _, body = argument
        return None if add_flags & re.IGNORECASE else _sequence(body)
    if op is BRANCH:
        found: set[str] = set()
        for branch in argument[1]:
            literals = _sequence(branch)
            if not literals:  # a branch that needs nothing: the alternation needs nothing
                return None
            found |= literals
        return frozenset(found)
    if op in (MAX_REPEAT, MIN_REPEAT):
        minimum, _, body = argument
        return _sequence(body) if minimum >= 1 else None
    if op is IN and argument and all(kind is LITERAL for kind, _ in argument):
        return frozenset(chr(code) for _, code in argument)
    return None


def _strength(literals: frozenset[str]) -> tuple[int, int]:
    """Longer shortest literal first (rarer in text), then fewer alternatives."""
    return min(map(len, literals)), -len(literals)


class PatternSet(Generic[T]):
    """Items that each carry a compiled pattern; ``candidates`` keeps those that may match a text, in order."""

    def __init__(self, items: Sequence[T], pattern_of) -> None:
        self._items = tuple(items)
        self._always: list[int] = []
        self._automaton = ahocorasick.Automaton()
        by_literal: dict[str, list[int]] = {}
        for index, item in enumerate(self._items):
            literals = required_literals(pattern_of(item))
            if literals is None:
                self._always.append(index)
                continue
            for literal in literals:
                by_literal.setdefault(literal, []).append(index)
        for literal, indexes in by_literal.items():
            self._automaton.add_word(literal, tuple(indexes))
        if by_literal:
            self._automaton.make_automaton()
        self._has_words = bool(by_literal)

    def __iter__(self):
        """Every item, in the original order (the prefilter aside)."""
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def unfiltered(self) -> int:
        """How many patterns are searched on every text (no literal worked out)."""
        return len(self._always)

    def candidates(self, text: str) -> list[T]:
        """The items whose pattern may match ``text``, in their original order."""
        chosen = set(self._always)
        if self._has_words:
            for _, indexes in self._automaton.iter(text):
                chosen.update(indexes)
        return [self._items[index] for index in sorted(chosen)]
