"""The literal prefilter (bot/text/prefilter.py) never hides a pattern that matches.

Checked the strong way: on every held-out and acute-danger message and every
tenth training message (a search of every pattern costs ~1 µs; all 39,000
messages would take minutes), every keyword, calm/now and signs pattern that
matches the folded message must be among the prefilter's candidates; and on
the acute-danger sets the nets' verdicts equal a plain search of every pattern
in order.
"""
from __future__ import annotations

import re

import pytest

from bot import paths
from bot.evaluation import load_acute_set, load_eval_set, training_examples
from bot.nlu import keywords, signs
from bot.nlu.keywords import KEYWORDS_PATH, match_emergency
from bot.nlu.signs import SIGNS, SIGNS_PATH, find_signs
from bot.text.folding import fold, letter_scripts
from bot.text.prefilter import PatternSet, required_literals

EVAL = paths.ROOT / "tests" / "eval"


def _acute() -> list[str]:
    return sorted({text for folder in ("acute", "acute_fresh") for path in sorted((EVAL / folder).glob("*.yml"))
                   for text, _, _ in load_acute_set(path)})


def _messages() -> list[str]:
    texts = [text for path in sorted(EVAL.glob("*.yml")) for text, _ in load_eval_set(path)] + _acute()
    for language_texts, _ in training_examples(paths.ROOT / "intents").values():
        texts += language_texts[::10]
    return sorted(set(texts))


MESSAGES = _messages()
ACUTE = _acute()


@pytest.mark.parametrize("pattern, literals", [
    (r"help", {"help"}),
    (r"\bpassport\w*", {"passport"}),
    (r"(?:took|taken) (?:my )?passport", {"passport"}),
    (r"(?:kill|hurt)s? me", {"kill", "hurt"}),
    (r"(?<!not )locked (?:in|up)", {"locked "}),  # the look-behind's words are not required
    (r"(?:please )?help", {"help"}),
    (r"x*y", {"y"}),
    (r"(?:ab)+c?", {"ab"}),
    (r"[ab]", {"a", "b"}),
])
def test_required_literals_are_what_every_match_contains(pattern, literals):
    assert required_literals(re.compile(pattern)) == literals


@pytest.mark.parametrize("pattern", [r"\w+", r"(?:help|)x?", r"(?i)help", r"(?i:help)", r"[^a]", r".{3}", r"a?"])
def test_patterns_without_a_certain_literal_are_always_searched(pattern):
    assert required_literals(re.compile(pattern)) is None
    assert PatternSet([re.compile(pattern)], lambda p: p).candidates("zzz") == [re.compile(pattern)]


def test_candidates_keep_the_original_order_and_only_what_can_match():
    patterns = [re.compile(p) for p in (r"\bhelp\b", r"locked (?:in|up)", r"\w+ me", r"passport")]
    chosen = PatternSet(patterns, lambda p: p)
    assert chosen.candidates("help me, my passport") == [patterns[0], patterns[2], patterns[3]]
    assert chosen.candidates("i am locked in") == [patterns[1]]
    assert chosen.candidates("hello") == []


@pytest.mark.parametrize("section", ["danger", "calm", "now"])
def test_no_keyword_pattern_that_matches_is_filtered_out(section):
    patterns = chosen = keywords._load(KEYWORDS_PATH)[section]
    assert chosen.unfiltered < len(patterns) / 20, "most patterns should have a literal the prefilter can use"
    missed = []
    for text in MESSAGES:
        folded = keywords._HELD_KEY.sub(r"\1", fold(text))
        candidates = {id(entry[1]) for entry in chosen.candidates(folded)}
        missed += [(text, pattern.pattern) for _, pattern, _ in patterns
                   if pattern.search(folded) and id(pattern) not in candidates]
    assert not missed, missed[:5]


def test_no_signs_pattern_that_matches_is_filtered_out():
    patterns = chosen = signs._scripted(SIGNS_PATH)
    missed = []
    for text in MESSAGES:
        folded = fold(text)
        candidates = {id(entry[2]) for entry in chosen.candidates(folded)}
        missed += [(text, pattern.pattern) for _, _, pattern, _ in patterns
                   if pattern.search(folded) and id(pattern) not in candidates]
    assert not missed, missed[:5]


def _plain_signs(text: str) -> list[str]:
    folded, found = fold(text), set()
    present = letter_scripts(folded)
    for _, sign, pattern, needs in signs._scripted(SIGNS_PATH):
        if sign not in found and (not needs or needs & present) and pattern.search(folded):
            found.add(sign)
    return [sign for sign in SIGNS if sign in found]


def _plain_emergency(text: str) -> str | None:
    folded = keywords._HELD_KEY.sub(r"\1", fold(text))
    present = letter_scripts(folded)
    for language, pattern, needs in keywords._load(KEYWORDS_PATH)[keywords.DANGER]:
        if (not needs or needs & present) and pattern.search(folded):
            return None if language != keywords.ANY and keywords.calm(folded) else language
    return None


def test_the_nets_verdicts_equal_a_search_of_every_pattern():
    plain_emergency, plain_signs = [_plain_emergency(t) for t in ACUTE], [_plain_signs(t) for t in ACUTE]
    assert sum(map(bool, plain_emergency)) > 500 and sum(map(bool, plain_signs)) > 100  # many verdicts compared
    assert [match_emergency(t) for t in ACUTE] == plain_emergency
    assert [find_signs(t) for t in ACUTE] == plain_signs
