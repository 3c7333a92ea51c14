"""No deep copies or formatting of data for debug log lines that are not written.

Rasa's message processor and RulePolicy deep-copy events, slot values and
dialogue states for every message only to pass them to ``structlogger.debug``
— which drops them unless the server runs with ``--debug``. In those two
modules, and only there, ``copy`` is replaced by a stand-in whose
``deepcopy`` copies when debug logging is on and otherwise hands the value
through. ``tests/test_speedups.py`` checks in Rasa's source that every
``copy.deepcopy`` in them is an argument of a debug log call. Likewise
RulePolicy formats the dialogue states as text for every prediction, for a
debug line only; that text is made only when debug logging is on.
"""
from __future__ import annotations

import copy
import logging
from typing import Any

MODULES = ("rasa.core.processor", "rasa.core.policies.rule_policy")


class DebugOnlyCopy:
    """The ``copy`` module, except that ``deepcopy`` copies only while debug logging is on."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict | None = None) -> Any:
        if _debugging():
            return copy.deepcopy(value, memo)
        return value


def _debugging() -> bool:
    return logging.getLogger().isEnabledFor(logging.DEBUG)


def format_states_when_debugging(states: list[dict]) -> str:
    from rasa.core.policies.policy import Policy

    return Policy.format_tracker_states(states) if _debugging() else ""


def apply() -> None:
    import importlib

    from rasa.core.policies.rule_policy import RulePolicy

    for name in MODULES:
        importlib.import_module(name).copy = DebugOnlyCopy()
    RulePolicy.format_tracker_states = staticmethod(format_states_when_debugging)
