"""Rasa's RulePolicy, checking only the rules whose last state can match the conversation.

Named in config.yml in place of ``RulePolicy``, with the same settings; it
learns, predicts and persists exactly as Rasa's (``tests/test_speedups.py``
compares the two on every step of the test stories and of the training rules).

- **Rules by index** (speed-up ``rules``). To find the applicable rules,
  Rasa's ``RulePolicy._get_possible_keys`` tests every rule (456 in our
  model, most of them generated leave-the-form rules) against the
  conversation's current state, for every prediction — a third of the
  server's time per message. A rule's last state almost always fixes the
  previous action and, after a user turn, the intent; a rule that fixes a
  different one cannot match (``RulePolicy._does_rule_match_state``). So the
  rules are indexed once by those two values, and Rasa's own test runs only
  on the few candidates. Rules that fix neither, or whose state Rasa treats
  as a conversation start, are always candidates: the result is the same set.
- **States formatted for debug logs only** (speed-up ``debug_copies``).
  RulePolicy formats the dialogue states as text for every prediction, for
  a debug log line only; here the text is made only when debug logging is on.

Both override methods of Rasa's RulePolicy, so ``check`` makes sure Rasa
still calls them (``bot.speedups._guard``): when the policy is created, and
when ``bot.serve`` starts. ``VEIVISER_SPEEDUPS_OFF=rules`` (or
``debug_copies``, or ``all``) makes it behave as Rasa's RulePolicy without
retraining. (Rasa's recipe validator compares policies with ``RulePolicy``
by identity in two places: its check of the fallback action against the
domain, which ``RulePolicy.train`` repeats anyway, and a warning that no
RulePolicy is configured, which is silenced for this class below.)
"""
from __future__ import annotations

import logging
import warnings
from collections import defaultdict
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

from bot import speedups
from bot.speedups._guard import Refused, expect

# The speed-up each override belongs to, and the RulePolicy method it replaces.
OVERRIDES = {"rules": "_get_possible_keys", "debug_copies": "format_tracker_states"}
_INDEXES = "_veiviser_rule_indexes"

# Rasa warns that "'RulePolicy' is not included in the model's policy configuration" when the
# configured class is a subclass (it compares with ==); for this class the warning is wrong.
warnings.filterwarnings("ignore", message="'RulePolicy' is not included in the model's policy configuration")


def check(*names: str) -> None:
    """Raise ``Refused`` if Rasa's RulePolicy no longer calls what the overrides of ``names`` replace."""
    for name in names or tuple(OVERRIDES):
        try:
            expect(RulePolicy, OVERRIDES[name], callers=(RulePolicy._find_action_from_rules,))
        except Refused as refused:
            raise Refused(f"{refused} (speed-up {name!r}, bot.policies.rule_policy)") from None


def _fixed(state: dict, part: str, key: str) -> str | None:
    """The value a rule state requires for ``state[part][key]``, if it requires one."""
    value = state.get(part, {}).get(key)
    if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET:
        return value
    return None


class RuleIndex:
    """The keys of one rule lookup, grouped by (previous action, intent) of their last state."""

    def __init__(self, lookup: dict[str, Any]) -> None:
        self.lookup = lookup
        self.size = len(lookup)
        self._buckets: dict[tuple[str | None, str | None], list[str]] = defaultdict(list)
        for key in lookup:
            last = RulePolicy._rule_key_to_state(key)[-1]
            if not last.get(PREVIOUS_ACTION):  # a conversation start: Rasa matches it without the features
                self._buckets[(None, None)].append(key)
                continue
            self._buckets[(_fixed(last, PREVIOUS_ACTION, ACTION_NAME), _fixed(last, USER, INTENT))].append(key)

    def candidates(self, state: dict) -> set[str]:
        action = _fixed(state, PREVIOUS_ACTION, ACTION_NAME)
        intent = _fixed(state, USER, INTENT)
        keys: set[str] = set()
        for bucket in {(action, intent), (action, None), (None, intent), (None, None)}:
            keys.update(self._buckets.get(bucket, ()))
        return keys


def _index(policy: RulePolicy, lookup: dict[str, Any]) -> RuleIndex:
    """The index of ``lookup``, made again when the lookup is another or has changed size (training
    only ever removes rules from it)."""
    indexes: dict[int, RuleIndex] = policy.__dict__.setdefault(_INDEXES, {})
    index = indexes.get(id(lookup))
    if index is None or index.lookup is not lookup or index.size != len(lookup):
        index = indexes[id(lookup)] = RuleIndex(lookup)
    return index


def indexed_possible_keys(policy: RulePolicy, lookup: dict[str, Any], states: list[dict]) -> set[str]:
    """``RulePolicy._get_possible_keys``, testing only the candidates of the current state."""
    if not states:
        return set(lookup)
    candidates = _index(policy, lookup).candidates(states[-1])
    return RulePolicy._get_possible_keys(policy, dict.fromkeys(candidates), states)


def debugging() -> bool:
    return logging.getLogger().isEnabledFor(logging.DEBUG)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class IndexedRulePolicy(RulePolicy):
    """``RulePolicy`` with its rules indexed, and the states formatted for debug logs only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        check(*(name for name in OVERRIDES if speedups.enabled(name)))

    def _get_possible_keys(self, lookup: dict[str, Any], states: list[dict]) -> set[str]:
        if speedups.enabled("rules"):
            return indexed_possible_keys(self, lookup, states)
        return super()._get_possible_keys(lookup, states)

    @staticmethod
    def format_tracker_states(states: list[dict]) -> str:
        if debugging() or not speedups.enabled("debug_copies"):
            return RulePolicy.format_tracker_states(states)
        return ""
