"""No deep copies or formatting of data for debug log lines that are not written.

Rasa's message processor deep-copies events, slot values and parse data for
every message only to pass them to ``structlogger.debug`` — which drops them
unless the server runs with ``--debug``. In that module, and only there,
``copy`` is replaced by a stand-in whose ``deepcopy`` copies when debug
logging is on and otherwise hands the value through.
``tests/test_speedups.py`` checks in Rasa's source that every
``copy.deepcopy`` in it is an argument of a debug log call.

The other half lives at an extension point: RulePolicy formats the dialogue
states as text for every prediction, for a debug line only; our RulePolicy
(``bot.policies.rule_policy``, named in config.yml) makes that text only
when debug logging is on (and this speed-up is not switched off). Its
``copy.deepcopy`` of that text then copies an empty string, which costs
nothing, so RulePolicy's module is left alone.

A guarded patch: the processor is Rasa's own.
"""
from __future__ import annotations

import copy
import logging
from typing import Any

from bot.speedups._guard import Patch, apply_all

MODULES = ("rasa.core.processor",)


class DebugOnlyCopy:
    """The ``copy`` module, except that ``deepcopy`` copies only while debug logging is on."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict | None = None) -> Any:
        if debugging():
            return copy.deepcopy(value, memo)
        return value


def debugging() -> bool:
    return logging.getLogger().isEnabledFor(logging.DEBUG)


def patches() -> list[Patch]:
    import rasa.core.processor
    from rasa.core.processor import MessageProcessor as Processor

    return [Patch(rasa.core.processor, "copy", DebugOnlyCopy(), original=copy,
                  callers=(Processor.run_action_extract_slots, Processor._log_slots, Processor.parse_message,
                           Processor._log_action_on_tracker))]


def apply() -> None:
    apply_all(patches())
