"""Each speed-up of ``bot.speedups`` gives the results of the Rasa code it replaces.

The trained model is loaded twice, once with Rasa's dask runner and once
with ours, and both are fed the held-out messages and every step of the
test stories and of the training rules. The guards, the version check and
the switches of ``bot.speedups`` are tested at the end.
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


def _rule_policy(runner):
    """The trained RulePolicy of the model (ours, or Rasa's in a model trained before the change)."""
    from rasa.core.policies.rule_policy import RulePolicy

    return next(node._component for name, node in runner._instantiated_nodes.items()
                if name.startswith("run_") and isinstance(getattr(node, "_component", None), RulePolicy))


def test_the_rule_index_finds_the_same_rules(dask_model, conversation_steps):
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy

    from bot.policies.rule_policy import indexed_possible_keys

    metadata, runner = dask_model
    policy = _rule_policy(runner)
    found = 0
    for tracker in conversation_steps:
        for use_text in (True, False):
            states = policy._prediction_states(tracker, metadata.domain, use_text,
                                               rule_only_data=policy._get_rule_only_data())
            for lookup in (policy.lookup[RULES], policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]):
                expected = RulePolicy._get_possible_keys(policy, lookup, states)
                assert indexed_possible_keys(policy, lookup, states) == expected
                found += bool(expected)
    assert found > 500  # the comparison ran on states that rules match, not only on empty sets


def test_our_rule_policy_predicts_as_rasas(dask_model, conversation_steps):
    """IndexedRulePolicy, loaded from the same trained policy, predicts exactly what Rasa's RulePolicy does."""
    from rasa.core.policies.rule_policy import RulePolicy

    from bot.policies.rule_policy import IndexedRulePolicy

    metadata, runner = dask_model
    node = next(node for name, node in runner._instantiated_nodes.items()
                if name.startswith("run_") and isinstance(getattr(node, "_component", None), RulePolicy))
    trained = {"config": node._component_config, "model_storage": node._model_storage,
               "resource": node._existing_resource, "execution_context": node._execution_context}
    rasas, ours = RulePolicy.load(**trained), IndexedRulePolicy.load(**trained)
    assert type(rasas) is RulePolicy and type(ours) is IndexedRulePolicy
    rule_only_data = rasas._get_rule_only_data()
    predicted = 0
    for tracker in conversation_steps:
        expected = rasas.predict_action_probabilities(tracker, metadata.domain, rule_only_data=rule_only_data)
        prediction = ours.predict_action_probabilities(tracker, metadata.domain, rule_only_data=rule_only_data)
        assert (prediction.policy_name, expected.policy_name) == ("IndexedRulePolicy", "RulePolicy")
        assert {**vars(prediction), "policy_name": None} == {**vars(expected), "policy_name": None}
        predicted += max(expected.probabilities) > 0
    assert predicted > 500


def test_the_rule_index_narrows_the_search(dask_model, conversation_steps):
    from rasa.core.policies.rule_policy import RULES

    from bot.policies.rule_policy import RuleIndex

    metadata, runner = dask_model
    policy = _rule_policy(runner)
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


def test_an_events_class_is_found_as_rasa_finds_it():
    from rasa.shared.core.events import ActionExecuted, Event, UserUttered
    from rasa.shared.utils.common import all_subclasses

    from bot.speedups import events

    names = {cls.type_name for cls in all_subclasses(Event) if isinstance(getattr(cls, "type_name", None), str)}
    assert len(names) > 20
    for name in sorted(names) * 2:  # the second time from memory
        assert events.resolve_by_type(name) is events._original(name)
    assert events.resolve_by_type("no_such_event", UserUttered) is UserUttered
    assert events.resolve_by_type("topic") is None
    with pytest.raises(ValueError):
        events.resolve_by_type("no_such_event")
    assert "no_such_event" not in events._known
    event = {"event": "action", "name": "action_listen", "timestamp": 1.0}
    assert events.resolve_by_type("action") is ActionExecuted and Event.from_parameters(event) == ActionExecuted(
        "action_listen", timestamp=1.0)


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

    from bot.policies.rule_policy import IndexedRulePolicy

    format_states_when_debugging = IndexedRulePolicy.format_tracker_states
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


# --- speed-ups at extension points: admission (REST channel), heap (operations channel), rules (config.yml)


async def test_admission_lets_a_few_messages_in_at_a_time_first_come_first_served():
    import asyncio

    from bot.channels.admission import CONCURRENT_MESSAGES, AdmissionGate

    inside, most, started = 0, 0, []

    async def handle_message(message):
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        started.append(message)
        await asyncio.sleep(0.01)  # waiting for the action server
        inside -= 1
        return [f"answer to {message}"]

    gate = AdmissionGate()
    answers = await asyncio.gather(*(gate.admit(handle_message, n) for n in range(20)))
    assert answers == [[f"answer to {n}"] for n in range(20)]
    assert most == CONCURRENT_MESSAGES > 1
    assert started == list(range(20))


async def test_acute_danger_does_not_queue_behind_other_messages():
    import asyncio
    from types import SimpleNamespace

    from bot.channels.admission import CONCURRENT_MESSAGES, AdmissionGate

    started, release = [], asyncio.Event()

    async def handle_message(message):
        started.append(message.text)
        await release.wait()
        return []

    gate = AdmissionGate()
    texts = [f"question {n}" for n in range(CONCURRENT_MESSAGES + 3)] + ["he is going to kill me"]
    tasks = [asyncio.ensure_future(gate.admit(handle_message, SimpleNamespace(text=t))) for t in texts]
    await asyncio.sleep(0.05)
    assert started == [*texts[:CONCURRENT_MESSAGES], "he is going to kill me"]  # the others still wait
    release.set()
    await asyncio.gather(*tasks)
    assert sorted(started) == sorted(texts)


@pytest.mark.parametrize("off", ["", "admission"])
async def test_the_rest_channel_admits_as_credentials_yml_says(off, monkeypatch):
    """The gate sits in the REST channel, as wide as credentials.yml says; switched off, every message goes in."""
    import asyncio

    from bot.channels.rest import RestInput
    from bot.speedups import SWITCH_OFF

    monkeypatch.setenv(SWITCH_OFF, off)
    credentials = yaml.safe_load((paths.ROOT / "credentials.yml").read_text(encoding="utf-8"))
    channel = RestInput.from_credentials({**credentials["bot.channels.rest.RestInput"], "concurrent_messages": 2})
    inside, most, release = 0, 0, asyncio.Event()

    async def on_new_message(message):
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await release.wait()
        inside -= 1

    blueprint = channel.blueprint(on_new_message)
    receive = next(route.handler for route in blueprint._future_routes if route.uri == "/webhook")
    request = type("Request", (), {"json": None, "app": type("App", (), {"ctx": None})()})

    async def post(n):
        message = request()
        message.json = {"sender": f"s{n}", "message": f"question {n}"}
        return await receive(message)

    tasks = [asyncio.ensure_future(post(n)) for n in range(5)]
    await asyncio.sleep(0.05)
    assert most == (5 if off else 2)
    release.set()
    assert all(response.status == 200 for response in await asyncio.gather(*tasks))


async def test_the_heap_is_frozen_once_the_server_has_started(monkeypatch):
    """After start (the model is loaded before), what is alive is frozen and collections come in larger
    batches; switched off, nothing changes. The operations channel carries both lifecycle listeners."""
    import gc

    from bot.channels import lifecycle
    from bot.channels.operations import OperationsChannel
    from bot.speedups import SWITCH_OFF

    listeners = {(future.listener, future.event) for future in OperationsChannel().blueprint(None)._future_listeners}
    assert (lifecycle.freeze_loaded_model, "after_server_start") in listeners
    assert (lifecycle.close_speedups, "after_server_stop") in listeners

    thresholds = gc.get_threshold()
    gc.unfreeze()
    try:
        model = [[n] for n in range(20_000)]  # stands for the loaded model: objects the collector tracks
        await lifecycle.freeze_loaded_model(None, None)
        assert gc.get_freeze_count() >= len(model)
        assert gc.get_threshold() == lifecycle.THRESHOLDS != thresholds
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        monkeypatch.setenv(SWITCH_OFF, "heap")
        await lifecycle.freeze_loaded_model(None, None)
        assert gc.get_freeze_count() == 0 and gc.get_threshold() == thresholds
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_config_yml_names_our_rule_policy_and_the_baseline_rasas():
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    from bot.policies.rule_policy import IndexedRulePolicy

    ours = yaml.safe_load(paths.CONFIG.read_text(encoding="utf-8"))["policies"]
    baseline = yaml.safe_load((paths.ROOT / "bot" / "benchmarks" / "baseline-config.yml").read_text(encoding="utf-8"))
    names = [policy["name"] for policy in ours]
    assert "bot.policies.rule_policy.IndexedRulePolicy" in names and "RulePolicy" not in names
    assert "RulePolicy" in [policy["name"] for policy in baseline["policies"]]
    assert DefaultV1Recipe._from_registry("bot.policies.rule_policy.IndexedRulePolicy").clazz is IndexedRulePolicy
    assert DefaultV1Recipe._from_registry("RulePolicy").clazz is not IndexedRulePolicy


@pytest.mark.parametrize("off", ["", "rules", "debug_copies", "all"])
def test_our_rule_policy_is_rasas_when_switched_off(off, monkeypatch):
    """Each half of IndexedRulePolicy is on unless its speed-up is switched off; then Rasa's code runs."""
    from rasa.core.policies.rule_policy import RulePolicy

    from bot.policies import rule_policy
    from bot.speedups import SWITCH_OFF, switched_off

    monkeypatch.setenv(SWITCH_OFF, off)
    calls = []
    monkeypatch.setattr(rule_policy, "indexed_possible_keys", lambda *args: calls.append("ours") or set())
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", lambda *args: calls.append("rasa") or set())
    rule_policy.IndexedRulePolicy._get_possible_keys(object.__new__(rule_policy.IndexedRulePolicy), {}, [])
    assert calls == ["rasa" if "rules" in switched_off() else "ours"]
    states = [{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]
    formatted = rule_policy.IndexedRulePolicy.format_tracker_states(states)
    assert (formatted != "") == ("debug_copies" in switched_off())


# --- the guards of the patches, the version check and the switches


PATCH_MODULES = ["validation", "graph", "connections", "states", "domain", "slots", "debug_copies", "trackers",
                 "events"]


@pytest.mark.parametrize("name", PATCH_MODULES)
def test_each_patch_replaces_what_rasa_calls(name):
    import importlib

    from bot.speedups import SPEEDUPS

    assert SPEEDUPS[name].patch == f"bot.speedups.{name}"
    module = importlib.import_module(SPEEDUPS[name].patch)
    patches = module.patches()
    assert patches
    for patch in patches:
        patch.check()  # Rasa's own code is in place, and the named callers refer to it


def test_the_extension_points_still_override_what_rasa_calls():
    from bot.policies import rule_policy
    from bot.speedups import SPEEDUPS, slots

    assert [name for name, speedup in SPEEDUPS.items() if speedup.patch] == PATCH_MODULES
    rule_policy.check()
    slots.check_plain()


def test_the_guard_refuses_a_patch_whose_caller_does_not_use_the_name():
    import copy
    import types

    from bot.speedups._guard import ABSENT, Patch, Refused, apply_all, expect

    def rasa_function():
        return "original"

    def caller_that_uses_it():
        return helpers.rasa_function()  # noqa: F821 - never run; only its code is read

    def caller_that_does_not():
        return "something else"

    for function in (rasa_function, caller_that_uses_it, caller_that_does_not):
        function.__module__ = "rasa.fake"
    helpers = types.SimpleNamespace(rasa_function=rasa_function)
    expect(helpers, "rasa_function", callers=[caller_that_uses_it])
    with pytest.raises(Refused, match="no longer uses rasa_function"):
        expect(helpers, "rasa_function", callers=[caller_that_uses_it, caller_that_does_not])
    with pytest.raises(Refused, match="no Rasa caller"):
        expect(helpers, "rasa_function", callers=[])
    with pytest.raises(Refused, match="does not exist"):
        expect(helpers, "renamed_function", callers=[caller_that_uses_it])
    with pytest.raises(Refused, match="not Rasa's own"):  # someone else's function is there
        expect(types.SimpleNamespace(rasa_function=copy.copy), "rasa_function", callers=[caller_that_uses_it])
    with pytest.raises(Refused, match="expects Rasa to leave it out"):
        expect(types.SimpleNamespace, "__repr__", callers=[caller_that_uses_it], original=ABSENT)

    def our_wrapper():  # wraps a Rasa caller, as bot.action_guard wraps RemoteAction.run: Rasa's code counts
        return "wrapped"

    our_wrapper.__wrapped__ = caller_that_uses_it
    expect(helpers, "rasa_function", callers=[our_wrapper])
    our_wrapper.__wrapped__ = caller_that_does_not
    with pytest.raises(Refused, match="no longer uses rasa_function"):
        expect(helpers, "rasa_function", callers=[our_wrapper])
    del our_wrapper.__wrapped__
    with pytest.raises(Refused, match="is not Rasa's own"):  # a caller must be Rasa's
        expect(helpers, "rasa_function", callers=[our_wrapper])

    def ours():
        return "patched"

    patch = Patch(helpers, "rasa_function", ours, callers=(caller_that_uses_it,))
    apply_all([patch])
    assert helpers.rasa_function is ours
    with pytest.raises(Refused, match="patched twice"):  # applying again is noticed
        apply_all([patch])
    helpers.rasa_function = rasa_function
    refused = Patch(helpers, "rasa_function", ours, callers=(caller_that_does_not,))
    with pytest.raises(Refused):
        apply_all([Patch(types.SimpleNamespace(x=rasa_function), "x", ours, callers=(caller_that_does_not,)), refused])
    assert helpers.rasa_function is rasa_function  # nothing was assigned


def test_the_guard_reads_nested_code():
    from bot.speedups._guard import references

    def outer(items):
        return [item.some_method() for item in items]

    assert references(outer, "some_method") and not references(outer, "other_method")


def _apply_in(off: str, registry: dict | None = None, rasa_version: str | None = None):
    """``bot.speedups.apply()`` in a fresh interpreter (it patches Rasa), with a registry or a Rasa version faked."""
    import json
    import os
    import subprocess
    import sys

    code = ["import json, sys", "import rasa", "from bot import action_guard, server_logs, speedups",
            "server_logs.apply()", "action_guard.apply()"]  # in bot.serve's order
    if registry is not None:
        code.append(f"speedups.SPEEDUPS = {{k: speedups.Speedup(**v) for k, v in json.loads({json.dumps(registry)!r}).items()}}")
    if rasa_version is not None:
        code.append(f"rasa.__version__ = {rasa_version!r}")
    code += ["applied = speedups.apply()",
             "from rasa.core.actions.action import RemoteAction",
             "print(json.dumps([applied, RemoteAction._validate_action_result.__module__]))"]
    result = subprocess.run([sys.executable, "-c", "\n".join(code)], capture_output=True, text=True, timeout=300,
                            cwd=paths.ROOT, env={**os.environ, "VEIVISER_SPEEDUPS_OFF": off})
    return result, (json.loads(result.stdout.splitlines()[-1]) if result.returncode == 0 else None)


def test_the_server_starts_with_every_speedup_on():
    """``python -m bot.serve`` applies its patches in its own order, and every guard holds."""
    import os
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "bot.serve", "--version"], capture_output=True, text=True,
                            timeout=300, cwd=paths.ROOT, env={**os.environ, "VEIVISER_SPEEDUPS_OFF": ""})
    assert result.returncode == 0 and "Rasa Version" in result.stdout, result.stderr[-2000:]


@pytest.mark.parametrize("off", ["", "rules,admission,validation", "all", "no_such_speedup"])
def test_speedups_can_be_switched_off_one_by_one(off):
    from bot.speedups import SPEEDUPS

    result, output = _apply_in(off)
    if off == "no_such_speedup":
        assert result.returncode != 0 and "no speed-up named no_such_speedup" in result.stderr
        return
    applied, validation_module = output
    expected = [] if off == "all" else [name for name in SPEEDUPS if name not in off.split(",")]
    assert applied == expected
    assert validation_module == ("bot.speedups.validation" if "validation" in applied
                                 else "rasa.core.actions.action")


def test_another_rasa_version_is_refused_unless_every_speedup_is_off():
    result, _ = _apply_in("", rasa_version="3.6.99")
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "Rasa 3.6.99 is installed" in message and "rasa==3.6.21" in message
    assert "VEIVISER_SPEEDUPS_OFF=all" in message
    result, _ = _apply_in("validation,graph", rasa_version="3.6.99")
    assert result.returncode != 0 and "Rasa 3.6.99 is installed" in result.stderr
    result, output = _apply_in("all", rasa_version="3.6.99")
    assert result.returncode == 0 and output == [[], "rasa.core.actions.action"]


def test_a_speedup_that_fails_stops_the_start_and_can_be_switched_off():
    registry = {"validation": {"patch": "bot.speedups.validation"}, "broken": {"patch": "bot.speedups.no_such_module"},
                "twice": {"patch": "bot.speedups.validation"}}
    result, _ = _apply_in("", registry=registry)
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "'broken'" in message and "ModuleNotFoundError" in message and "VEIVISER_SPEEDUPS_OFF=broken" in message
    result, _ = _apply_in("broken", registry=registry)  # the guard notices validation applied twice
    assert result.returncode != 0 and "'twice'" in result.stderr and "patched twice" in result.stderr
    result, output = _apply_in("broken,twice", registry=registry)
    assert result.returncode == 0 and output == [["validation"], "bot.speedups.validation"]


def test_the_rasa_version_is_written_once(monkeypatch):
    """The supported version is the pin of pyproject.toml (as installed), not a second copy of it."""
    import re

    import rasa

    from bot import speedups

    pinned = re.search(r'"rasa(==[^"]+)"', (paths.ROOT / "pyproject.toml").read_text(encoding="utf-8")).group(1)
    assert str(speedups.supported_rasa()) == pinned
    assert speedups.supported_rasa().contains(rasa.__version__)
    speedups.check_rasa_version()
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(SystemExit, match="Rasa 3.7.0 is installed"):
        speedups.check_rasa_version()


# --- the two resources the patches hold: connections (sessions) and domain (answers)


async def test_connections_reuse_one_connection_per_endpoint_and_close_at_stop(monkeypatch):
    """The same requests and answers as with Rasa's session per request, over one kept-open connection;
    the sessions are closed at server stop (``bot.speedups.close``, via the operations channel)."""
    from aiohttp import web
    from aiohttp.test_utils import TestServer
    from rasa.utils.endpoints import EndpointConfig

    from bot import speedups
    from bot.speedups import connections

    seen = []

    async def webhook(request):
        seen.append((request.transport.get_extra_info("peername")[1], request.headers.get("Authorization"),
                     request.headers.get("X-Test"), request.content_type, await request.json()))
        return web.json_response({"events": [{"event": "slot", "name": "x", "value": "ÆØÅ"}], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    body = {"next_action": "action_x", "tracker": {"events": [{"event": "user", "text": "hei på deg 🙂"}]}}
    requests, answers = {}, {}
    async with TestServer(app) as server:
        def endpoint():
            return EndpointConfig(str(server.make_url("/webhook")), headers={"X-Test": "1"},
                                  basic_auth={"username": "u", "password": "p"})

        for name, session in (("rasa", connections._original_session), ("ours", connections.session)):
            monkeypatch.setattr(EndpointConfig, "session", session)
            config, start = endpoint(), len(seen)
            answers[name] = [await config.request(json=body, method="post") for _ in range(3)]
            requests[name] = seen[start:]
        assert answers["ours"] == answers["rasa"]
        assert [r[1:] for r in requests["ours"]] == [r[1:] for r in requests["rasa"]]
        assert len({r[0] for r in requests["rasa"]}) == 3  # Rasa: a new connection for every request
        assert len({r[0] for r in requests["ours"]}) == 1  # ours: one, kept open

        kept = config.__dict__[connections._KEY][1]
        async with connections.session(config) as again, connections.session(endpoint()) as other:
            assert again is kept and other is not kept and not kept.closed
        monkeypatch.setattr(speedups, "_applied", [connections])
        await speedups.close()  # what the operations channel's after_server_stop listener runs
        assert kept.closed and other.closed and not kept.connector
        assert await config.request(json=body) == answers["rasa"][0]  # after a close, a new session
        assert config.__dict__[connections._KEY][1] is not kept
        await speedups.close()


def test_a_domain_checked_is_not_kept_alive():
    import gc
    import warnings
    import weakref

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.slot_mappings import SlotMappingType

    from bot.speedups import domain as speedup

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        checked = Domain.from_dict({"intents": ["greet"], "entities": ["country"], "slots": {
            "c": {"type": "text", "mappings": [{"type": "from_entity", "entity": "country"}]}}})
    mapping = checked.slots[0].mappings[0]
    assert speedup.check_mapping_validity("c", SlotMappingType.FROM_ENTITY, mapping, checked)
    assert speedup.is_empty(checked) is False
    gone = weakref.ref(checked)
    del checked, mapping
    gc.collect()
    assert gone() is None


def test_the_production_baselines_rasa_runs_our_models_rule_policy_as_rasas(monkeypatch):
    """The production row's stock Rasa loads our model, which names IndexedRulePolicy: it must run unindexed."""
    from bot import speedups
    from bot.benchmarks.production import stack_settings

    monkeypatch.delenv(speedups.SWITCH_OFF, raising=False)
    assert speedups.SWITCH_OFF not in stack_settings("ours", "redis://127.0.0.1:6399/0")["environment"]
    baseline = stack_settings("baseline", "redis://127.0.0.1:6399/0")
    assert baseline["server"] == "rasa"
    for name, value in baseline["environment"].items():
        monkeypatch.setenv(name, value)
    assert not speedups.enabled("rules") and not speedups.enabled("debug_copies")
