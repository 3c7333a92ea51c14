"""Dialogue states computed once per conversation step, not again for every prediction.

Before every prediction, Rasa's ``Domain.states_for_tracker_history`` copies
the tracker and replays the whole conversation to describe the state before
each action — several times per message, and longer with every turn (a fifth
of the server's time per message after the other speed-ups). The state before
an action depends only on the events applied before it, so each tracker keeps
the states it has already had described and the replayed copy they came from,
and only the events that were added since are replayed. Which events count
(``applied_events``: not undone, not replaced by a later step of the same
form) is also only worked out again when an added event can change it — a
restart, an undo, a new form, a form's own step. Whenever the applied history
is not an extension of the remembered one, everything is replayed as before.
Only the plain case is cached: the ML-only variant (``ignore_rule_only_turns``)
goes to Rasa's code unchanged.

A guarded patch: the states come from the domain Rasa loads with the model,
not from a class the project can name.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.speedups._guard import Patch, apply_all

_original_states_for_tracker_history = Domain.states_for_tracker_history
_CACHE = "_veiviser_states"
_UNDOING = (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted)


@dataclass
class _Described:
    domain: Domain
    omit_unset_slots: bool
    replayed: DialogueStateTracker
    applied: list[Event] = field(default_factory=list)
    states: list[State] = field(default_factory=list)  # the state before each applied ActionExecuted
    seen: int = 0  # how many of the tracker's events ``applied`` accounts for
    last_seen: Event | None = None
    loops: frozenset[str] = frozenset()
    _current: State | None = None  # the state after all of ``applied``, once asked for

    def extends(self, applied: list[Event]) -> bool:
        return len(applied) >= len(self.applied) and all(
            mine is theirs for mine, theirs in zip(self.applied, applied, strict=False))

    def advance(self, applied: list[Event]) -> None:
        for event in applied[len(self.applied):]:
            if isinstance(event, ActionExecuted):
                self.states.append(self.current())
            self.replayed.update(event)
            self.applied.append(event)
            self._current = None

    def current(self) -> State:
        if self._current is None:
            self._current = self.domain._clean_state(self.domain.get_active_state(self.replayed, self.omit_unset_slots))
        return self._current


def _added_plain_events(tracker: DialogueStateTracker, described: _Described) -> list[Event] | None:
    """The events added since ``described`` was brought up to date, if none of them can rewrite history."""
    events = tracker.events
    if not described.seen or len(events) < described.seen or events[described.seen - 1] is not described.last_seen:
        return None
    added = list(itertools.islice(events, described.seen, None))
    if any(_may_rewrite_history(event, described.loops) for event in added):
        return None
    return added


def _may_rewrite_history(event: Event, loops: frozenset[str]) -> bool:
    """Whether adding ``event`` can change which of the earlier events count (see ``applied_events``)."""
    return isinstance(event, _UNDOING) \
        or (isinstance(event, ActiveLoop) and bool(event.name) and event.name not in loops) \
        or (isinstance(event, ActionExecuted) and event.action_name in loops)


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
    remembered: dict[bool, _Described] = tracker.__dict__.setdefault(_CACHE, {})
    described = remembered.get(omit_unset_slots)
    added = _added_plain_events(tracker, described) if described and described.domain is self else None
    if added is not None:
        described.advance(described.applied + added)
    else:
        applied = tracker.applied_events()
        if described is None or described.domain is not self or not described.extends(applied):
            described = remembered[omit_unset_slots] = _Described(self, omit_unset_slots, tracker.init_copy())
        described.advance(applied)
        described.loops = frozenset(e.name for e in tracker.events if isinstance(e, ActiveLoop) and e.name)
    described.seen = len(tracker.events)
    described.last_seen = tracker.events[-1] if tracker.events else None
    return [*(_copy(state) for state in described.states), _copy(described.current())]


def patches() -> list[Patch]:
    return [Patch(Domain, "states_for_tracker_history", states_for_tracker_history,
                  callers=(DialogueStateTracker.past_states,))]


def apply() -> None:
    apply_all(patches())
