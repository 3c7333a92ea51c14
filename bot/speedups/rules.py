"""RulePolicy: check only the rules whose last state can match the conversation.

To find the applicable rules, Rasa's ``RulePolicy._get_possible_keys`` tests
every rule (456 in our model, most of them generated leave-the-form rules)
against the conversation's current state, for every prediction — a third of
the server's time per message. A rule's last state almost always fixes the
previous action and, after a user turn, the intent; a rule that fixes a
different one cannot match (``RulePolicy._does_rule_match_state``). So the
rules are indexed once by those two values, and Rasa's own test runs only on
the few candidates. Rules that fix neither, or whose state Rasa treats as a
conversation start, are always candidates: the result is the same set.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

_original_get_possible_keys = RulePolicy._get_possible_keys


def _fixed(state: dict, part: str, key: str) -> str | None:
    """The value a rule state requires for ``state[part][key]``, if it requires one."""
    value = state.get(part, {}).get(key)
    if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET:
        return value
    return None


class RuleIndex:
    """The keys of one rule lookup, grouped by (previous action, intent) of their last state."""

    def __init__(self, lookup: dict[str, Any]) -> None:
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
    indexes = policy.__dict__.setdefault("_veiviser_rule_indexes", {})
    index = indexes.get(id(lookup))
    if index is None or index.size != len(lookup):
        index = indexes[id(lookup)] = RuleIndex(lookup)
    return index


def get_possible_keys(self: RulePolicy, lookup: dict[str, Any], states: list[dict]) -> set[str]:
    """``RulePolicy._get_possible_keys``, testing only the candidates of the current state."""
    if not states:
        return set(lookup)
    candidates = _index(self, lookup).candidates(states[-1])
    return _original_get_possible_keys(self, dict.fromkeys(candidates), states)


def apply() -> None:
    RulePolicy._get_possible_keys = get_possible_keys
