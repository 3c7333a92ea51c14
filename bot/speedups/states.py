"""Dialogue states computed once per conversation step, not again for every prediction.

Before every prediction, Rasa's ``Domain.states_for_tracker_history`` copies
the tracker and replays the whole conversation to describe the state before
each action — several times per message, and longer with every turn (a fifth
of the server's time per message after the other speed-ups). The state before
an action depends only on the events applied before it, so each tracker keeps
the states it has already had described and the replayed copy they came from,
and only the events that were added since are replayed. Whenever the applied
history is not an extension of the remembered one (a form's step replacing the
previous one, a restart, an undo), everything is replayed as before.
Only the plain case is cached: the ML-only variant (``ignore_rule_only_turns``)
goes to Rasa's code unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

_original_states_for_tracker_history = Domain.states_for_tracker_history
_CACHE = "_veiviser_states"


@dataclass
class _Described:
    domain: Domain
    omit_unset_slots: bool
    replayed: DialogueStateTracker
    applied: list[Event] = field(default_factory=list)
    states: list[State] = field(default_factory=list)  # the state before each applied ActionExecuted

    def extends(self, applied: list[Event]) -> bool:
        return len(applied) >= len(self.applied) and all(
            mine is theirs for mine, theirs in zip(self.applied, applied, strict=False))

    def advance(self, applied: list[Event]) -> None:
        for event in applied[len(self.applied):]:
            if isinstance(event, ActionExecuted):
                self.states.append(self.current())
            self.replayed.update(event)
            self.applied.append(event)

    def current(self) -> State:
        return self.domain._clean_state(self.domain.get_active_state(self.replayed, self.omit_unset_slots))


def _copy(state: State) -> State:
    return {kind: dict(sub_state) for kind, sub_state in state.items()}  # values are immutable


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    if ignore_rule_only_turns:
        return _original_states_for_tracker_history(self, tracker, omit_unset_slots, ignore_rule_only_turns,
                                                     rule_only_data)
    applied = tracker.applied_events()
    described: _Described | None = tracker.__dict__.get(_CACHE)
    if described is None or described.domain is not self or described.omit_unset_slots != omit_unset_slots \
            or not described.extends(applied):
        described = _Described(self, omit_unset_slots, tracker.init_copy())
        tracker.__dict__[_CACHE] = described
    described.advance(applied)
    return [*(_copy(state) for state in described.states), described.current()]


def apply() -> None:
    Domain.states_for_tracker_history = states_for_tracker_history
