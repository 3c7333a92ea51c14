"""The Redis stores against a real redis-server: replicas share conversations and take turns.

Two store objects on one Redis stand for two Rasa replicas.
"""
from __future__ import annotations

import asyncio
import time

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores.redis_conversations import RedisConversationStore
from bot.stores.redis_locks import RedisTurnLocks


def turn(text: str, intent: str = "greet") -> list:
    return [ActionExecuted("action_listen"), UserUttered(text, {"name": intent, "confidence": 1.0}),
            ActionExecuted("utter_greet"), BotUttered(f"answer to {text}")]


@pytest.fixture
def replicas(domain, redis_url):
    return (RedisConversationStore(domain, url=redis_url), RedisConversationStore(domain, url=redis_url))


async def test_a_turn_saved_by_one_replica_is_seen_by_the_other(replicas, domain):
    a, b = replicas
    first = DialogueStateTracker.from_events("anna", turn("hello") + [SlotSet("country", "NO")], slots=domain.slots)
    await a.save(first)
    on_b = await b.retrieve("anna")
    assert [e.as_dict() for e in on_b.events] == [e.as_dict() for e in first.events]
    for event in turn("I need a bed", "find_shelter") + [SlotSet("municipality", "0301")]:
        on_b.update(event)
    await b.save(on_b)
    on_a = await a.retrieve("anna")
    assert on_a is first, "replica A applied only the new events to its own copy"
    assert on_a.get_slot("municipality") == "0301" and on_a.latest_message.text == "I need a bed"
    assert [e.as_dict() for e in on_a.events] == [e.as_dict() for e in on_b.events]


async def test_a_turn_that_was_not_saved_does_not_leak_into_the_next(replicas, domain):
    a, _ = replicas
    await a.save(DialogueStateTracker.from_events("ben", turn("hello"), slots=domain.slots))
    tracker = await a.retrieve("ben")
    tracker.update(SlotSet("country", "SE"))  # the turn failed before Rasa saved it
    again = await a.retrieve("ben")
    assert again.get_slot("country") is None and len(again.events) == 4


async def test_forget_me_deletes_every_key_and_other_replicas_drop_their_copy(replicas, domain, local_redis):
    a, b = replicas
    await a.save(DialogueStateTracker.from_events("cleo", turn("my secret"), slots=domain.slots))
    assert await b.retrieve("cleo") is not None
    await a.save(DialogueStateTracker.from_events("cleo", turn("forget me", "forget_me"), slots=domain.slots))
    with local_redis.client() as client:
        assert client.keys("*") == []
    assert await b.retrieve("cleo") is None
    assert "cleo" not in b._known


async def test_conversations_expire_in_redis_after_the_retention_period(domain, redis_url, local_redis):
    store = RedisConversationStore(domain, url=redis_url, retention_hours=1)
    await store.save(DialogueStateTracker.from_events("dan", turn("hello"), slots=domain.slots))
    with local_redis.client() as client:
        ttls = [client.ttl(key) for key in client.keys("*")]
    assert len(ttls) == 2 and all(3590 <= ttl <= 3600 for ttl in ttls)
    short = RedisConversationStore(domain, url=redis_url, retention_hours=1 / 3600)  # one second
    await short.save(DialogueStateTracker.from_events("eva", turn("hello"), slots=domain.slots))
    assert await short.retrieve("eva") is not None
    await asyncio.sleep(2.1)
    assert await short.retrieve("eva") is None
    assert await store.retrieve("dan") is not None


async def test_a_long_conversation_is_written_anew_and_other_replicas_reload_it(domain, redis_url):
    a = RedisConversationStore(domain, url=redis_url, max_events=60, keep_turns=4)
    b = RedisConversationStore(domain, url=redis_url, max_events=60, keep_turns=4)
    events = [SlotSet("country", "SE"), SlotSet("municipality", "1280")]
    for number in range(40):
        events += turn(f"message number {number}")
    events += [ActiveLoop("staff_routing_form"), SlotSet("sr_danger", "no")]
    await a.save(DialogueStateTracker.from_events("finn", events[:8], slots=domain.slots))
    assert await b.retrieve("finn") is not None  # B holds an older generation now
    await a.save(DialogueStateTracker.from_events("finn", events, slots=domain.slots))
    kept = await b.retrieve("finn")
    assert len(kept.events) < 60
    assert kept.get_slot("municipality") == "1280" and kept.get_slot("sr_danger") == "no"
    assert kept.active_loop_name == "staff_routing_form" and kept.latest_message.text == "message number 39"


async def test_keys_lists_the_stored_senders(replicas, domain):
    a, _ = replicas
    for sender in ("gus", "hal"):
        await a.save(DialogueStateTracker.from_events(sender, turn("hello"), slots=domain.slots))
    assert set(await a.keys()) == {"gus", "hal"}


async def test_two_replicas_never_run_two_turns_of_one_conversation_at_once(redis_url):
    """Twelve turns of one conversation over two replicas: one at a time, in the order their tickets were taken.

    Each turn is started only once the one before has taken its ticket (seen in Redis), so the order
    of arrival is known exactly, whatever the machine's load."""
    from redis import asyncio as redis_asyncio

    locks = [RedisTurnLocks(redis_url), RedisTurnLocks(redis_url)]
    queue = RedisTurnLocks.keys_of("ivy")[1]
    client = redis_asyncio.from_url(redis_url)
    inside, most, order = 0, 0, []
    release = asyncio.Event()

    async def one_turn(number: int) -> None:
        nonlocal inside, most
        async with locks[number % 2].lock("ivy"):
            inside += 1
            most = max(most, inside)
            order.append(number)
            await (release.wait() if number == 0 else asyncio.sleep(0.005))
            inside -= 1

    async def tickets_taken(count: int) -> None:
        while await client.zcard(queue) < count:
            await asyncio.sleep(0.001)

    turns = []
    for number in range(12):
        turns.append(asyncio.create_task(one_turn(number)))
        await tickets_taken(number + 1)
    release.set()
    await asyncio.gather(*turns)
    await client.close()
    assert most == 1
    assert order == list(range(12)), "turns run in the order their messages took their tickets"


async def test_other_conversations_do_not_wait(redis_url):
    locks = RedisTurnLocks(redis_url)
    async with locks.lock("jon"):
        started = time.monotonic()
        async with locks.lock("kim"):
            assert time.monotonic() - started < 0.5


async def test_the_lock_of_a_killed_replica_frees_itself(redis_url):
    dead = RedisTurnLocks(redis_url, lifetime=1.0)
    keys = dead.keys_of("lea")
    ticket, state = map(int, await dead._take(keys=keys, args=[dead.lifetime_ms]))
    assert state == 1  # first in line at once
    assert int(await dead._try(keys=keys, args=[ticket, dead.lifetime_ms])) == 1  # holds it, then "dies"
    alive = RedisTurnLocks(redis_url, lifetime=1.0)
    started = time.monotonic()
    async with alive.lock("lea"):
        waited = time.monotonic() - started
    assert 0.8 < waited < 3.0


async def test_a_long_turn_keeps_its_lock(redis_url):
    locks = RedisTurnLocks(redis_url, lifetime=1.0)
    other = RedisTurnLocks(redis_url, lifetime=1.0)
    entered = []

    async def long_turn():
        async with locks.lock("max"):
            entered.append("long")
            await asyncio.sleep(2.5)  # longer than the lifetime: renewed meanwhile
            entered.append("long done")

    async def next_turn():
        await asyncio.sleep(0.1)
        async with other.lock("max"):
            entered.append("next")

    await asyncio.gather(long_turn(), next_turn())
    assert entered == ["long", "long done", "next"]


async def test_the_lock_leaves_no_keys_behind(redis_url, local_redis):
    locks = RedisTurnLocks(redis_url)
    async with locks.lock("ned"):
        pass
    with local_redis.client() as client:
        assert client.keys("*") == []
