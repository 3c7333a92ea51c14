"""Conversations are erased for real on request, and kept no longer than the retention period.

The behaviour every store promises runs against both stores (memory and a
real Redis); what only the memory store does (sweeping, compaction) after.
"""
import time

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores.memory import ForgetfulTrackerStore


def tracker(domain, sender, intent, text="hello", at=None):
    events = [ActionExecuted("action_listen", timestamp=at), SlotSet("country", "NO", timestamp=at),
              UserUttered(text, {"name": intent, "confidence": 1.0}, timestamp=at)]
    return DialogueStateTracker.from_events(sender, events, slots=domain.slots)


@pytest.fixture
def memory_store(domain):
    store = ForgetfulTrackerStore(domain, retention_hours=1, sweep_seconds=0)
    yield store
    store.stop()


@pytest.fixture(params=["memory", "redis"])
def store(request, domain):
    if request.param == "memory":
        return request.getfixturevalue("memory_store")
    from bot.stores.redis_conversations import RedisConversationStore

    store = RedisConversationStore(domain, url=request.getfixturevalue("redis_url"), retention_hours=1)
    store.test_server = request.getfixturevalue("local_redis")
    return store


def stored_text(store) -> str:
    """Everything the store holds, as text (memory: its objects; Redis: every value of every key)."""
    if isinstance(store, ForgetfulTrackerStore):
        return repr(store.store)
    with store.test_server.client() as client:
        return repr([client.lrange(key, 0, -1) if client.type(key) == b"list" else client.get(key)
                     for key in client.keys("*")])


async def test_forget_me_deletes_the_stored_conversation(store, domain):
    await store.save(tracker(domain, "alice", "find_shelter", "my secret text"))
    assert "alice" in set(await store.keys())
    await store.save(tracker(domain, "alice", "forget_me", "delete everything"))
    assert "alice" not in set(await store.keys())
    assert await store.retrieve("alice") is None
    assert "my secret text" not in stored_text(store)


async def test_other_conversations_are_kept(store, domain):
    await store.save(tracker(domain, "bob", "greet"))
    await store.save(tracker(domain, "alice", "forget_me"))
    assert (await store.retrieve("bob")).get_slot("country") == "NO"


async def test_conversations_expire_after_the_retention_period(memory_store, domain):
    await memory_store.save(tracker(domain, "old", "greet", at=time.time() - 2 * 3600))
    await memory_store.save(tracker(domain, "new", "greet"))
    assert memory_store.sweep() == 1
    assert set(await memory_store.keys()) == {"new"}


async def test_an_expired_conversation_is_not_returned(memory_store, domain):
    await memory_store.save(tracker(domain, "old", "greet", at=time.time() - 2 * 3600))
    assert await memory_store.retrieve("old") is None
    assert "old" not in memory_store.store


def test_the_stores_are_configured_in_endpoints():
    import yaml

    from bot import paths

    endpoints = yaml.safe_load(paths.ENDPOINTS.read_text(encoding="utf-8"))
    assert endpoints["tracker_store"] == {"type": "bot.stores.endpoints.TrackerStore", "retention_hours": 24,
                                          "compact_after_minutes": 10, "cache_size": 500}
    assert endpoints["lock_store"] == {"type": "bot.stores.endpoints.LockStore", "lifetime_seconds": 6}


async def test_a_saved_conversation_comes_back_whole(store, domain):
    saved = tracker(domain, "carol", "find_shelter", "I need a bed")
    await store.save(saved)
    again = await store.retrieve("carol")
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in saved.events]
    assert again.get_slot("country") == "NO"


async def test_only_the_last_session_is_returned_but_all_are_kept(store, domain):
    from rasa.shared.core.events import SessionStarted

    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
              UserUttered("first", {"name": "greet", "confidence": 1.0}),
              ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
              UserUttered("second", {"name": "thank", "confidence": 1.0})]
    await store.save(DialogueStateTracker.from_events("dave", events, slots=domain.slots))
    assert (await store.retrieve("dave")).latest_message.text == "second"
    assert "first" not in [e.text for e in (await store.retrieve("dave")).events if isinstance(e, UserUttered)]
    assert len((await store.retrieve_full_tracker("dave")).events) == len(events)


async def test_quiet_conversations_are_kept_as_text_and_come_back_whole(memory_store, domain):
    quiet = tracker(domain, "erin", "find_shelter", "I need a bed", at=time.time() - 30 * 60)
    await memory_store.save(quiet)
    await memory_store.save(tracker(domain, "frank", "greet"))
    assert memory_store.compact() == 1
    assert isinstance(memory_store.store["erin"], bytes) and not isinstance(memory_store.store["frank"], bytes)
    again = await memory_store.retrieve("erin")
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in quiet.events]
    assert again.get_slot("country") == "NO" and memory_store.store["erin"] is again
    assert memory_store.compact(now=time.time()) == 1  # still quiet: compacted again, and forgotten on request
    await memory_store.save(tracker(domain, "erin", "forget_me"))
    assert "erin" not in memory_store.store


async def test_compaction_runs_from_saving(memory_store, domain, monkeypatch):
    from bot.stores import memory as tracker_store

    await memory_store.save(tracker(domain, "gina", "greet", at=time.time() - 30 * 60))
    monkeypatch.setattr(tracker_store, "COMPACT_CHECK_SECONDS", 0.0)
    await memory_store.save(tracker(domain, "hugo", "greet"))
    assert isinstance(memory_store.store["gina"], bytes)


def self_check_turn(domain, sender, answers, active=True, pending=None):
    events = [ActionExecuted("action_listen"), UserUttered("/affirm", {"name": "affirm", "confidence": 1.0})]
    events += [SlotSet(slot, value) for slot, value in answers.items()]
    if pending:
        events.append(SlotSet("pending_intent", pending))
    if active:
        from rasa.shared.core.events import ActiveLoop

        events.append(ActiveLoop("self_check_form"))
    return DialogueStateTracker.from_events(sender, events, slots=domain.slots)


async def test_form_answers_are_kept_while_the_form_runs(store, domain):
    await store.save(self_check_turn(domain, "a", {"sc_deception": "yes", "sc_documents": "no"}))
    kept = await store.retrieve("a")
    assert kept.get_slot("sc_deception") == "yes" and kept.get_slot("sc_documents") == "no"


async def test_form_answers_wait_for_the_place_then_go(store, domain):
    await store.save(self_check_turn(domain, "a", {"sc_threats": "yes"}, active=False, pending="self_check_result"))
    assert (await store.retrieve("a")).get_slot("sc_threats") == "yes", "the result still needs them"
    await store.save(self_check_turn(domain, "b", {"sc_threats": "yes"}, active=False, pending="find_shelter"))
    assert (await store.retrieve("b")).get_slot("sc_threats") is None


async def test_form_answers_are_erased_when_the_form_is_left(store, domain):
    """After stop or another question the form is no longer active: nothing answered is kept."""
    await store.save(self_check_turn(domain, "a", {"sc_deception": "yes", "sc_documents": "yes"}, active=False))
    left = await store.retrieve("a")
    assert left.get_slot("sc_deception") is None and left.get_slot("sc_documents") is None
    assert left.get_slot("country") is None or left.get_slot("country") == "NO"


async def test_a_long_conversation_is_bounded_and_keeps_its_state(domain):
    from rasa.shared.core.events import ActiveLoop, BotUttered

    store = ForgetfulTrackerStore(domain, retention_hours=1, sweep_seconds=0, max_events=60, keep_turns=4)
    events = [SlotSet("country", "SE"), SlotSet("language", "sv"), SlotSet("municipality", "1280")]
    for turn in range(40):
        events += [ActionExecuted("action_listen"),
                   UserUttered(f"message number {turn}", {"name": "greet", "confidence": 1.0}),
                   ActionExecuted("utter_greet"), BotUttered(f"answer {turn}")]
    events += [ActiveLoop("staff_routing_form"), SlotSet("sr_danger", "no")]
    long = DialogueStateTracker.from_events("long", events, slots=domain.slots)
    await store.save(long)
    kept = await store.retrieve("long")
    assert len(kept.events) < 60
    assert kept.get_slot("country") == "SE" and kept.get_slot("municipality") == "1280"
    assert kept.get_slot("language") == "sv" and kept.get_slot("sr_danger") == "no"
    assert kept.active_loop_name == "staff_routing_form"
    assert kept.latest_message.text == "message number 39"
    texts = [e.text for e in kept.events if isinstance(e, UserUttered)]
    assert texts == [f"message number {n}" for n in range(36, 40)]
    store.stop()
