"""Conversations on Redis, shared by every Rasa replica, without replaying them on every message.

Rasa's own Redis tracker store writes the whole conversation as one JSON
text after every message and reads it back and replays it before the next
one: the cost grows with every turn, and it was the design problem
measured in docs/performance.md (p95 225 ms at 20 conversations). Here each
conversation is an append-only event log in Redis:

- ``veiviser:events:{sender}``: the events, one JSON text each, oldest first;
- ``veiviser:generation:{sender}``: a random token, new whenever the log is
  written anew (a new conversation, or one rebuilt from its state when it
  grew past ``max_events``, ``bot.stores.turns.trimmed``).

Saving a turn appends only the events the turn added (one round trip, a
Lua script that also renews the expiry). Each replica keeps the trackers it
handled lately as objects (``cache_size`` of them); before using one it
sends Redis the generation and length it knows, and one Lua script answers
with the current generation and length and the events another replica
added since (one round trip), which the replica applies. A replica that
never saw the conversation (or whose copy is from another generation) gets
the whole log in that answer and replays it once. Each round trip costs
the replica ~0.2 ms of CPU in redis-py, so there are as few as possible.
Rasa's lock store (``bot.stores.redis_locks``) lets one turn of a
conversation run at a time over all replicas, so two replicas never append
to one log at once.

Retention is Redis's own expiry: both keys expire ``retention_hours`` after
the last saved turn. ``forget_me`` deletes both keys at once (and this
replica's copy); other replicas see the missing generation at their next
look and drop theirs.

**When Redis does not answer**, the replica keeps the conversations it
serves meanwhile in its own memory, in a ``ForgetfulTrackerStore`` with the
same settings: "forget me", form answers, the size bound and retention hold
there too. (Rasa's own answer to a failing store is a plain in-memory store
that keeps everything and forgets nothing.) Once Redis answers again, a
conversation goes on from what Redis holds. Each failure is logged by its
kind only, and the replica's ``/webhooks/ops/ready`` says 503 meanwhile.
"""
from __future__ import annotations

import itertools
import json
import logging
import secrets
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rasa.core.tracker_store import SerializedTrackerAsText, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from redis.exceptions import RedisError

from bot import metrics
from bot.stores import connection
from bot.stores.memory import ForgetfulTrackerStore
from bot.stores.turns import as_retrieved, asked_to_forget, drop_finished_answers, form_answers, trimmed

logger = logging.getLogger(__name__)
EVENTS = "events"
GENERATION = "generation"
# KEYS: events, generation. ARGV: the generation and length the replica knows ("" and 0: none).
# Returns {} when there is no conversation, else {generation, length, first, events[first:]...}:
# the events after the known ones when the generation is the same and the log not shorter, else all.
READ = """
local generation = redis.call('GET', KEYS[2])
if not generation then return {} end
local length = redis.call('LLEN', KEYS[1])
local first = 0
if generation == ARGV[1] and tonumber(ARGV[2]) <= length then first = tonumber(ARGV[2]) end
local answer = {generation, length, first}
if first < length then
  for _, event in ipairs(redis.call('LRANGE', KEYS[1], first, length - 1)) do answer[#answer + 1] = event end
end
return answer
"""
# KEYS: events, generation. ARGV: retention in seconds, then the events to append (JSON texts).
APPEND = """
if #ARGV > 1 then redis.call('RPUSH', KEYS[1], unpack(ARGV, 2)) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
"""


@dataclass
class Known:
    """A conversation as this replica last saw it: the tracker, its log's generation and length."""

    tracker: DialogueStateTracker
    generation: bytes
    length: int


def _text(event: Event) -> str:
    return json.dumps(event.as_dict(), ensure_ascii=False, separators=(",", ":"))


class RedisConversationStore(TrackerStore, SerializedTrackerAsText):
    def __init__(
        self,
        domain: Domain,
        event_broker: Any = None,
        url: str = "redis://127.0.0.1:6379/0",
        retention_hours: float = 24.0,
        max_events: int = 300,
        keep_turns: int = 10,
        cache_size: int = 500,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("compact_after_minutes", None)  # the memory store's setting; Redis keeps text anyway
        super().__init__(domain, event_broker, **kwargs)
        self.redis = connection.client(url)
        self.retention_seconds = max(1, round(float(retention_hours) * 3600))
        self.max_events = int(max_events)
        self.keep_turns = int(keep_turns)
        self.cache_size = int(cache_size)
        self._known: OrderedDict[str, Known] = OrderedDict()
        self._read = self.redis.register_script(READ)
        self._append_events = self.redis.register_script(APPEND)
        self.local = ForgetfulTrackerStore(domain, None, retention_hours=retention_hours, max_events=max_events,
                                           keep_turns=keep_turns)

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:  # Rasa sets it when it loads a model
        self._domain = domain or Domain.empty()
        if hasattr(self, "local"):
            self.local.domain = self._domain

    def _outage(self, doing: str, error: Exception) -> None:
        logger.warning("Redis failed while %s (%s); this replica keeps conversations in memory meanwhile.",
                       doing, type(error).__name__)
        metrics.ERRORS.labels("store").inc()

    @staticmethod
    def keys_of(sender_id: str) -> tuple[str, str]:
        """The conversation's two keys: its event log and its generation."""
        return connection.key(EVENTS, sender_id), connection.key(GENERATION, sender_id)

    # -- reading -----------------------------------------------------------------------
    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._retrieve(sender_id, all_sessions=False)

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._retrieve(sender_id, all_sessions=True)

    async def _retrieve(self, sender_id: str, all_sessions: bool) -> DialogueStateTracker | None:
        try:
            return as_retrieved(await self._current(sender_id), all_sessions)
        except (RedisError, OSError) as error:
            self._outage("reading a conversation", error)
            local = self.local.retrieve_full_tracker if all_sessions else self.local.retrieve
            return await local(sender_id)

    async def _current(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation as Redis has it now, from this replica's copy where it can (one round trip)."""
        known = self._known.get(sender_id)
        usable = known is not None and len(known.tracker.events) == known.length  # no unsaved turn in it
        answer = await self._read(keys=list(self.keys_of(sender_id)),
                                  args=[known.generation, known.length] if usable else ["", 0])
        if not answer:
            self._known.pop(sender_id, None)
            return None
        generation, length, first, raw = answer[0], int(answer[1]), int(answer[2]), answer[3:]
        events = [json.loads(item) for item in raw]
        if usable and known.generation == generation and first == known.length:
            for event in deserialise_events(events):
                known.tracker.update(event)
            known.length = length
            self._known.move_to_end(sender_id)
            return known.tracker
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots if self.domain else None)
        self._remember(sender_id, Known(tracker, generation, length))
        return tracker

    async def keys(self) -> Iterable[str]:
        """The senders of every stored conversation (scans Redis; for Rasa's export and API, not per message)."""
        pattern = connection.key(GENERATION, "*")
        start = len(pattern) - len("*}")
        return [key.decode("utf-8")[start:-1] async for key in self.redis.scan_iter(match=pattern, count=500)]

    # -- writing -----------------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await self._save(tracker)
        except (RedisError, OSError) as error:
            self._outage("saving a turn", error)
            self._known.pop(tracker.sender_id, None)
            await self.local.save(tracker)  # counts the turn itself
        else:
            metrics.count_turn(tracker, self.domain)

    async def _save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        if asked_to_forget(tracker):
            await self.erase(sender_id)
            logger.info("A conversation was erased on the user's request.")
            return
        if self.domain is not None:
            drop_finished_answers(tracker, form_answers(self.domain))
        if len(tracker.events) > self.max_events:
            tracker = trimmed(tracker, self.domain, self.keep_turns)
        known = self._known.get(sender_id)
        if known is not None and known.tracker is tracker and known.length <= len(tracker.events):
            new = list(itertools.islice(tracker.events, known.length, None))
            await self._append(sender_id, new)
            known.length += len(new)
            self._known.move_to_end(sender_id)
        else:  # a new conversation, a rebuilt one, or a tracker this replica did not hand out
            new = list(tracker.events)
            generation = await self._write_anew(sender_id, new)
            self._remember(sender_id, Known(tracker, generation, len(new)))
        if self.event_broker is not None and new:
            await self._stream_new_events(self.event_broker, new, sender_id)

    async def _append(self, sender_id: str, events: list[Event]) -> None:
        await self._append_events(keys=list(self.keys_of(sender_id)),
                                  args=[self.retention_seconds, *map(_text, events)])

    async def _write_anew(self, sender_id: str, events: list[Event]) -> bytes:
        events_key, generation_key = self.keys_of(sender_id)
        generation = secrets.token_hex(8).encode("ascii")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(events_key)
            if events:
                pipe.rpush(events_key, *map(_text, events))
            pipe.expire(events_key, self.retention_seconds)
            pipe.set(generation_key, generation, ex=self.retention_seconds)
            await pipe.execute()
        return generation

    async def erase(self, sender_id: str) -> None:
        """Delete the conversation from Redis and from this replica (its copy, and its outage store)."""
        self._known.pop(sender_id, None)
        self.local.erase(sender_id)
        await self.redis.delete(*self.keys_of(sender_id))

    def _remember(self, sender_id: str, known: Known) -> None:
        self._known[sender_id] = known
        self._known.move_to_end(sender_id)
        while len(self._known) > self.cache_size:
            self._known.popitem(last=False)
