"""Each speed-up of ``bot.speedups`` gives the results of the Rasa code it replaces.

The trained model is loaded twice, once with Rasa's dask runner and once
with ours, and both are fed the held-out messages and every step of the
test stories and of the training rules.
"""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pytest
import yaml

from bot import paths

pytestmark = pytest.mark.model


def _load(runner_class):
    from rasa.engine import loader
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    return loader.load_predict_graph_runner(Path(tempfile.mkdtemp()), paths.MODEL, LocalModelStorage, runner_class)


@pytest.fixture(scope="module")
def dask_model():
    from rasa.engine.runner.dask import DaskGraphRunner

    return _load(DaskGraphRunner)


@pytest.fixture(scope="module")
def sequential_model():
    from bot.speedups.graph import SequentialGraphRunner

    return _load(SequentialGraphRunner)


@pytest.fixture(scope="module")
def conversation_steps(dask_model):
    """Every prefix of the test stories and the training rules that ends before an action."""
    import rasa.core.training
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = dask_model[0].domain
    steps = []
    for source in (paths.ROOT / "tests" / "stories", paths.ROOT / "dialogue"):
        for tracker in rasa.core.training.load_data(str(source), domain, augmentation_factor=0,
                                                    use_story_concatenation=False):
            events = list(tracker.events)
            for end, event in enumerate(events):
                if isinstance(event, ActionExecuted) and end:
                    steps.append(DialogueStateTracker.from_events(tracker.sender_id, events[:end], domain.slots))
    return steps


def held_out_messages(per_language: int = 60) -> list[tuple[str, str]]:
    messages = []
    for path in sorted((paths.ROOT / "tests" / "eval").glob("*.yml")):
        texts = [text for examples in yaml.safe_load(path.read_text(encoding="utf-8")).values() for text in examples]
        messages += [(path.stem, text) for text in texts[::max(1, len(texts) // per_language)]]
    return messages


def test_the_sequential_runner_parses_like_dask(dask_model, sequential_model):
    from rasa.core.channels import UserMessage
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.nlu.constants import TEXT

    metadata = dask_model[0]
    compared = 0
    for language, text in held_out_messages() + [("en", ""), ("en", "🙂"), ("xx", "ÆØÅ æøå")]:
        tracker = DialogueStateTracker("test", metadata.domain.slots)
        inputs = {"__message__": [UserMessage(text, metadata={"language_code": language})], "__tracker__": tracker}
        ours = sequential_model[1].run(inputs=dict(inputs), targets=[metadata.nlu_target])[metadata.nlu_target]
        theirs = dask_model[1].run(inputs=dict(inputs), targets=[metadata.nlu_target])[metadata.nlu_target]
        assert ours[0].as_dict() == theirs[0].as_dict(), text
        compared += bool(ours[0].get(TEXT))
    assert compared > 200


def test_the_sequential_runner_predicts_like_dask(dask_model, sequential_model, conversation_steps):
    target = dask_model[0].core_target
    for tracker in conversation_steps:
        ours = sequential_model[1].run(inputs={"__tracker__": tracker}, targets=[target])[target]
        theirs = dask_model[1].run(inputs={"__tracker__": tracker}, targets=[target])[target]
        assert (ours.probabilities, ours.policy_name, ours.events, ours.optional_events) == \
               (theirs.probabilities, theirs.policy_name, theirs.events, theirs.optional_events)
    assert len(conversation_steps) > 500


def test_the_rule_index_finds_the_same_rules(dask_model, conversation_steps):
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH

    from bot.speedups import rules

    metadata, runner = dask_model
    policy = next(node._component for name, node in runner._instantiated_nodes.items()
                  if name.startswith("run_RulePolicy"))
    found = 0
    for tracker in conversation_steps:
        for use_text in (True, False):
            states = policy._prediction_states(tracker, metadata.domain, use_text,
                                               rule_only_data=policy._get_rule_only_data())
            for lookup in (policy.lookup[RULES], policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]):
                expected = rules._original_get_possible_keys(policy, lookup, states)
                assert rules.get_possible_keys(policy, lookup, states) == expected
                found += bool(expected)
    assert found > 500  # the comparison ran on states that rules match, not only on empty sets


def test_the_rule_index_narrows_the_search(dask_model, conversation_steps):
    from rasa.core.policies.rule_policy import RULES

    from bot.speedups.rules import RuleIndex

    metadata, runner = dask_model
    policy = next(node._component for name, node in runner._instantiated_nodes.items()
                  if name.startswith("run_RulePolicy"))
    index = RuleIndex(policy.lookup[RULES])
    states = policy._prediction_states(conversation_steps[3], metadata.domain, False)
    assert 0 < len(index.candidates(states[-1])) < len(policy.lookup[RULES]) / 20



def _grown(steps_source):
    """Trackers of the stories and rules grown one event at a time, as a conversation grows."""
    from rasa.shared.core.trackers import DialogueStateTracker

    for tracker in steps_source:
        grown = DialogueStateTracker(tracker.sender_id, tracker.slots.values())
        for event in tracker.events:
            grown.update(event)
            yield grown


@pytest.fixture(scope="module")
def whole_conversations(dask_model):
    import rasa.core.training

    domain = dask_model[0].domain
    trackers = []
    for source in (paths.ROOT / "tests" / "stories", paths.ROOT / "dialogue"):
        trackers += rasa.core.training.load_data(str(source), domain, augmentation_factor=0,
                                                 use_story_concatenation=False)
    return trackers


def test_remembered_states_equal_replayed_states(dask_model, whole_conversations, monkeypatch):
    from rasa.shared.core.events import ActionReverted, Restarted, UserUtteranceReverted
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.speedups import states

    domain = dask_model[0].domain
    undo = [UserUtteranceReverted(), ActionReverted(), Restarted()]
    replays = {"ours": 0}
    original_applied_events = DialogueStateTracker.applied_events
    compared = asked = 0
    for index, tracker in enumerate(_grown(whole_conversations)):
        if index % 97 == 0:  # now and then an undo or a restart in the middle of a conversation
            tracker.update(undo[index % len(undo)])
        for omit in (False, True):
            expected = states._original_states_for_tracker_history(domain, tracker, omit)

            def counted(self):
                replays["ours"] += 1
                return original_applied_events(self)

            with monkeypatch.context() as patched:
                patched.setattr(DialogueStateTracker, "applied_events", counted)
                assert states.states_for_tracker_history(domain, tracker, omit) == expected
                assert states.states_for_tracker_history(domain, tracker, omit) == expected  # asked twice
            compared += len(expected)
            asked += 2
    assert compared > 10_000
    assert replays["ours"] < asked / 3  # most answers came from memory, not from a new pass over the history


def test_remembered_states_are_not_shared_with_callers(dask_model, whole_conversations):
    from bot.speedups import states

    domain = dask_model[0].domain
    tracker = list(_grown(whole_conversations[:1]))[-1]
    first = states.states_for_tracker_history(domain, tracker)
    for state in first:
        state.clear()
    assert states.states_for_tracker_history(domain, tracker) == \
        states._original_states_for_tracker_history(domain, tracker)


def test_whether_a_domain_is_empty_is_answered_as_rasa_does(dask_model):
    from rasa.shared.core.domain import Domain

    from bot.speedups import domain

    for candidate in (dask_model[0].domain, Domain.empty(), Domain.from_dict({"intents": ["greet"]})):
        assert domain.is_empty(candidate) == domain._original_is_empty(candidate)
        assert domain.is_empty(candidate) == domain._original_is_empty(candidate)  # from memory
    assert domain.is_empty(Domain.empty()) and not domain.is_empty(dask_model[0].domain)


def test_a_slot_copy_is_what_copy_copy_makes(dask_model):
    import copy

    from bot.speedups.slots import copy_slot

    for slot in copy.deepcopy(dask_model[0].domain.slots):
        slot.value = ["a list", "kept by reference"] if slot.type_name == "any" else slot.value
        reference = copy._reconstruct(slot, None, *slot.__reduce_ex__(4))  # copy.copy's generic path
        fast = copy_slot(slot)
        assert type(fast) is type(reference) and vars(fast) == vars(reference) and fast is not slot
        assert fast.value is slot.value


def _action_responses():
    """Responses an action server may send: every kind of event, and broken variants."""
    from rasa.shared.core import events as e

    kinds = [
        e.SlotSet("country", "NO"), e.SlotSet("place", None), e.ActionExecuted("utter_greet"),
        e.UserUttered("hi", {"name": "greet", "confidence": 0.9}, [{"entity": "country", "value": "NO"}]),
        e.BotUttered("hello", {"buttons": [{"title": "a", "payload": "/a"}]}), e.FollowupAction("action_x"),
        e.ActiveLoop("self_check_form"), e.ActiveLoop(None), e.Restarted(), e.AllSlotsReset(),
        e.ReminderScheduled("remind", __import__("datetime").datetime(2026, 1, 1)), e.ReminderCancelled("r"),
        e.ActionReverted(), e.UserUtteranceReverted(), e.ConversationPaused(), e.ConversationResumed(),
        e.SessionStarted(), e.AgentUttered("x"), e.LoopInterrupted(True), e.ActionExecutionRejected("a"),
        e.EntitiesAdded([{"entity": "country", "value": "SE"}]), e.StoryExported(),
    ]
    valid = [{"events": [kind.as_dict()], "responses": []} for kind in kinds]
    valid.append({"events": [k.as_dict() for k in kinds], "responses": [{"text": "hi"}, {"response": "utter_x"}]})
    valid += [{}, {"events": []}, {"responses": [{"template": "utter_x"}]}]
    broken = [
        {"events": [{"event": "slot", "name": "country", "value": "NO", "timestamp": "yesterday"}]},
        {"events": [{"event": "no_such_event"}]}, {"events": [{"name": "country"}]}, {"events": [42]},
        {"events": {"event": "slot"}}, {"responses": "utter_x"}, {"responses": [42]},
        {"events": [{"event": "user", "text": 42}]}, {"events": [{"event": "slot", "name": 7}]},
        {"events": [{"event": "action", "name": "a", "policy": 3}]}, [], "nothing",
    ]
    return valid, broken


def test_action_responses_are_judged_as_by_the_full_schema():
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match

    from bot.speedups import validation

    full = validation._full_validator()
    valid, broken = _action_responses()
    assert validation._split_validators() is not None  # the fast path is in use
    for response in valid:
        assert full.is_valid(response), response
        assert validation._valid_by_kind(response) and validation._validate_action_result(None, response)
    for response in broken:
        assert not full.is_valid(response) and not validation._valid_by_kind(response), response
        with pytest.raises(ValidationError) as raised:
            validation._validate_action_result(None, response)
        assert raised.value.message.startswith(best_match(full.iter_errors(response)).message)


def test_deep_copies_skipped_are_only_those_for_debug_logs():
    import ast
    import importlib

    from bot.speedups.debug_copies import MODULES

    for name in MODULES:
        tree = ast.parse(Path(importlib.import_module(name).__file__).read_text(encoding="utf-8"))
        in_debug_calls = {id(node) for call in ast.walk(tree) if isinstance(call, ast.Call)
                          and ast.unparse(call.func).endswith(("logger.debug",))
                          for node in ast.walk(call)}
        copies = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
                  and ast.unparse(node.func) == "copy.deepcopy"]
        assert copies, name
        assert all(id(node) in in_debug_calls for node in copies), name


def test_deep_copies_are_made_when_debugging(caplog):
    from bot.speedups.debug_copies import DebugOnlyCopy

    value = {"events": [{"event": "slot"}]}
    assert DebugOnlyCopy().deepcopy(value) is value
    with caplog.at_level(logging.DEBUG, logger=""):
        copied = DebugOnlyCopy().deepcopy(value)
    assert copied == value and copied is not value
    assert DebugOnlyCopy().copy is __import__("copy").copy


def _comparable(tracker):
    """Everything a tracker holds, events and messages by identity, slots by their attributes."""
    def message(event):
        in_events = any(event is e for e in tracker.events)
        return ("event", id(event)) if in_events else (type(event).__name__, getattr(event, "text", None),
                                                        getattr(event, "intent", None), getattr(event, "data", None))

    rest = {k: v for k, v in vars(tracker).items()
            if k not in ("events", "slots", "latest_message", "latest_bot_utterance")}
    return {
        **rest, "events": [id(e) for e in tracker.events], "maxlen": tracker.events.maxlen,
        "slots": {name: (type(slot), vars(slot)) for name, slot in tracker.slots.items()},
        "latest_message": message(tracker.latest_message), "latest_bot_utterance": message(tracker.latest_bot_utterance),
    }


def test_a_tracker_copy_equals_a_replayed_copy(whole_conversations):
    from rasa.shared.core.events import ActiveLoop, SlotSet

    from bot.speedups import trackers

    compared = 0
    for tracker in _grown(whole_conversations):
        tracker.model_id, tracker.sender_source = "a-model", "stories.yml"
        ours, replayed = trackers.copy_tracker(tracker), trackers._original_copy(tracker)
        assert type(ours) is type(replayed)
        assert _comparable(ours) == _comparable(replayed)
        before = (len(tracker.events), tracker.get_slot("country"), tracker.active_loop_name)
        ours.update(SlotSet("country", "XX"))
        ours.update(ActiveLoop("some_form"))
        assert (len(tracker.events), tracker.get_slot("country"), tracker.active_loop_name) == before
        compared += 1
    assert compared > 1000


def test_the_formatted_states_only_go_to_a_debug_log(caplog):
    import ast
    import inspect

    from rasa.core.policies.policy import Policy
    from rasa.core.policies.rule_policy import RulePolicy

    from bot.speedups.debug_copies import format_states_when_debugging

    tree = ast.parse(inspect.getsource(RulePolicy))
    uses = [node for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == "current_states"]
    in_debug = {id(n) for call in ast.walk(tree) if isinstance(call, ast.Call)
                and ast.unparse(call.func).endswith("logger.debug") for n in ast.walk(call)}
    assigned = [n for n in uses if isinstance(n.ctx, ast.Store)]
    assert len(assigned) == 1 and all(id(n) in in_debug for n in uses if n not in assigned)
    states = [{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]
    assert format_states_when_debugging(states) == ""
    with caplog.at_level(logging.DEBUG, logger=""):
        assert format_states_when_debugging(states) == Policy.format_tracker_states(states) != ""


def test_slot_mapping_validity_is_answered_as_rasa_does(dask_model):
    import warnings

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.slot_mappings import SlotMappingType

    from bot.speedups import domain as speedup

    model_domain = dask_model[0].domain
    odd = Domain.from_dict({"intents": ["greet"], "entities": ["country"], "slots": {
        "a": {"type": "text", "mappings": [{"type": "from_entity", "entity": "no_such_entity"}]},
        "b": {"type": "text", "mappings": [{"type": "from_intent", "intent": "no_such_intent", "value": 1}]},
        "c": {"type": "text", "mappings": [{"type": "from_entity", "entity": "country"}]}}})
    checked = []
    for candidate in (model_domain, odd):
        for slot in candidate.slots:
            for mapping in slot.mappings:
                kind = SlotMappingType(mapping.get("type"))
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    expected = speedup._original_check_mapping_validity(slot.name, kind, mapping, candidate)
                    for _ in range(2):
                        assert speedup.check_mapping_validity(slot.name, kind, mapping, candidate) == expected
                checked.append(expected)
    assert True in checked and False in checked


async def test_admission_lets_a_few_messages_in_at_a_time_first_come_first_served():
    import asyncio

    from bot.speedups.admission import CONCURRENT_MESSAGES, _admitting

    inside, most, started = 0, 0, []

    async def handle_message(agent, message):
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        started.append(message)
        await asyncio.sleep(0.01)  # waiting for the action server
        inside -= 1
        return [f"answer to {message}"]

    admitted = _admitting(handle_message)
    answers = await asyncio.gather(*(admitted(None, n) for n in range(20)))
    assert answers == [[f"answer to {n}"] for n in range(20)]
    assert most == CONCURRENT_MESSAGES > 1
    assert started == list(range(20))


@pytest.mark.parametrize("off", ["", "rules,admission", "no_such_speedup"])
def test_speedups_can_be_switched_off_one_by_one(off):
    import subprocess
    import sys

    code = ("from bot import speedups; from rasa.core.policies.rule_policy import RulePolicy;"
            "print(','.join(speedups.apply()), RulePolicy._get_possible_keys.__module__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                            env={**__import__("os").environ, "VEIVISER_SPEEDUPS_OFF": off})
    if off == "no_such_speedup":
        assert result.returncode != 0 and "no speed-up named no_such_speedup" in result.stderr
        return
    applied, rule_module = result.stdout.split()
    from bot.speedups import SPEEDUPS

    assert applied.split(",") == [name for name in SPEEDUPS if name not in off.split(",")]
    assert rule_module == ("rasa.core.policies.rule_policy" if "rules" in off else "bot.speedups.rules")


async def test_acute_danger_does_not_queue_behind_other_messages():
    import asyncio
    from types import SimpleNamespace

    from bot.speedups.admission import CONCURRENT_MESSAGES, _admitting

    started, release = [], asyncio.Event()

    async def handle_message(agent, message):
        started.append(message.text)
        await release.wait()
        return []

    admitted = _admitting(handle_message)
    texts = [f"question {n}" for n in range(CONCURRENT_MESSAGES + 3)] + ["he is going to kill me"]
    tasks = [asyncio.ensure_future(admitted(None, SimpleNamespace(text=t))) for t in texts]
    await asyncio.sleep(0.05)
    assert started == [*texts[:CONCURRENT_MESSAGES], "he is going to kill me"]  # the others still wait
    release.set()
    await asyncio.gather(*tasks)
    assert sorted(started) == sorted(texts)
