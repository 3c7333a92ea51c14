"""What every conversation store does at the end of a turn, in memory or on Redis.

The store sees every turn, whatever else failed, so the promises that must
hold on every path are kept here: "forget me" erases, the answers of a
guided form do not outlive it, and a conversation has a bounded size
(``bot.stores.memory`` explains each).
"""
from __future__ import annotations

from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

FORGET_INTENT = "forget_me"
PENDING_SLOT = "pending_intent"


def asked_to_forget(tracker: DialogueStateTracker) -> bool:
    message = tracker.latest_message
    return bool(message and (message.intent or {}).get("name") == FORGET_INTENT)


def form_answers(domain: Domain) -> dict[str, tuple[str, ...]]:
    """Each form's answer slots (its required slots), from the domain."""
    return {name: tuple((spec or {}).get("required_slots") or ()) for name, spec in (domain.forms or {}).items()}


def drop_finished_answers(tracker: DialogueStateTracker, answers: dict[str, tuple[str, ...]]) -> int:
    """Erase the answers of every form that is neither active nor waiting to give its result; returns how many."""
    active = tracker.active_loop_name
    pending = tracker.get_slot(PENDING_SLOT)
    dropped = 0
    for form, slots in answers.items():
        if form == active or pending == form.removesuffix("_form") + "_result":
            continue
        for slot in slots:
            if tracker.get_slot(slot) is not None:
                tracker.update(SlotSet(slot, None))
                dropped += 1
    return dropped


def trimmed(tracker: DialogueStateTracker, domain: Domain, keep_turns: int) -> DialogueStateTracker:
    """The same conversation state with only the last ``keep_turns`` user turns of history."""
    events = list(tracker.events)
    turns = [index for index, event in enumerate(events) if isinstance(event, UserUttered)]
    if len(turns) <= keep_turns:
        return tracker
    start = turns[-keep_turns]
    before = events[start - 1] if start else None
    if isinstance(before, ActionExecuted) and before.action_name == ACTION_LISTEN_NAME:
        start -= 1
    at = events[start].timestamp
    # The current values first: the kept events set what they set again, so the
    # state after them is the state now (docs/privacy.md "Reliability").
    head: list[Event] = [ActionExecuted(ACTION_SESSION_START_NAME, timestamp=at), SessionStarted(timestamp=at)]
    head += [SlotSet(name, slot.value, timestamp=at) for name, slot in tracker.slots.items()
             if slot.value != slot.initial_value]
    if tracker.active_loop_name:
        head.append(ActiveLoop(tracker.active_loop_name, timestamp=at))
    return DialogueStateTracker.from_events(tracker.sender_id, head + events[start:], domain.slots,
                                            max_event_history=tracker._max_event_history)


def sessions(tracker: DialogueStateTracker) -> int:
    """How many sessions the tracker holds."""
    return sum(1 for event in tracker.events
               if isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME)


def as_retrieved(tracker: DialogueStateTracker | None, all_sessions: bool) -> DialogueStateTracker | None:
    """The stored conversation as Rasa asked for it: every session, or only the last one."""
    if tracker is None or all_sessions or sessions(tracker) <= 1:
        return tracker
    return get_trackers_for_conversation_sessions(tracker)[-1]
