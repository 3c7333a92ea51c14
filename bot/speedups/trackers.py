"""Copy a tracker from its current state instead of replaying its whole conversation.

Before running each action, Rasa's processor copies the tracker with
``DialogueStateTracker.copy``, which starts an empty tracker and replays
every event — longer with every turn. In the server a tracker's state only
ever comes from its events (``update``), so the replay ends in the state the
tracker already has: the same events, slots with the same values, the same
latest message, action, bot utterance, form and follow-up action. This copy
builds that directly, leaving out what a replay leaves out (sender source,
model and assistant ids). Trackers whose slots are made up on demand
(``AnySlotDict``, no domain) are still replayed.

A guarded patch, not a tracker subclass returned by our tracker store
(``bot.stores.endpoints``): that would miss much of the hot path. Rasa wraps
the store in its ``FailSafeTrackerStore``, whose ``create_tracker`` builds
every new conversation's tracker itself (a plain ``DialogueStateTracker``),
and the in-memory store then keeps that very object for the whole
conversation; ``init_copy``, which every replay starts from, also builds a
plain one. A subclass would be the fast copy only for conversations read
back from text.
"""
from __future__ import annotations

import copy
from collections import deque

from rasa.shared.constants import DEFAULT_SENDER_ID
from rasa.shared.core.trackers import AnySlotDict, DialogueStateTracker

from bot.speedups._guard import Patch, apply_all

_original_copy = DialogueStateTracker.copy


def copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
    if isinstance(self.slots, AnySlotDict):
        return _original_copy(self)
    new = DialogueStateTracker.__new__(DialogueStateTracker)
    new._max_event_history = self._max_event_history
    new.events = deque(self.events, self._max_event_history)
    new.sender_id = self.sender_id or DEFAULT_SENDER_ID
    new.slots = {name: copy.copy(slot) for name, slot in self.slots.items()}
    new.sender_source = None
    new.is_rule_tracker = self.is_rule_tracker
    new._paused = self._paused
    new.followup_action = self.followup_action
    new.latest_action = dict(self.latest_action) if self.latest_action is not None else None
    new.latest_message = self.latest_message
    new.latest_bot_utterance = self.latest_bot_utterance
    new.active_loop = copy.copy(self.active_loop)
    new.model_id = None
    new.assistant_id = None
    return new


def patches() -> list[Patch]:
    from rasa.core.processor import MessageProcessor

    return [Patch(DialogueStateTracker, "copy", copy_tracker, callers=(MessageProcessor._run_action,))]


def apply() -> None:
    apply_all(patches())
