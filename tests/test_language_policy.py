"""The policy sets the language slot in the same turn, inside Rasa, and predicts nothing."""
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language.policy import LanguagePolicy, language_events


def tracker_for(domain, *turns, slots=()):
    events = [SlotSet(name, value) for name, value in slots]
    for text, intent, entities, metadata in turns:
        events += [
            ActionExecuted("action_listen"),
            UserUttered(text, {"name": intent, "confidence": 1.0}, entities, metadata=metadata),
        ]
    return DialogueStateTracker.from_events("test", events, slots=domain.slots)


def slot_values(events):
    return {event.key: event.value for event in events}


def test_client_language_sets_the_slot(domain):
    tracker = tracker_for(domain, ("hei", "greet", [], {"language_code": "no"}))
    assert slot_values(language_events(tracker)) == {"language": "nb"}


def test_explicit_choice_sets_and_locks(domain):
    tracker = tracker_for(
        domain,
        ("på svenska tack", "choose_language", [{"entity": "language", "value": "sv"}], {"language_code": "nb"}),
    )
    assert slot_values(language_events(tracker)) == {
        "language": "sv", "language_chosen": True, "language_request": "switched", "requested_language": "sv"}


def test_unshipped_choice_asks_with_the_menu(domain):
    tracker = tracker_for(domain, ("auf Deutsch bitte", "choose_language", [{"entity": "language", "value": "de"}], {}))
    assert slot_values(language_events(tracker)) == {"language_request": "unavailable", "requested_language": "de"}


def test_request_without_a_language_gets_the_menu(domain):
    tracker = tracker_for(domain, ("change language", "choose_language", [], {}))
    assert slot_values(language_events(tracker))["language_request"] == "menu"


def test_choice_survives_a_later_client_code(domain):
    tracker = tracker_for(
        domain, ("hei", "greet", [], {"language_code": "nb"}), slots=[("language", "sv"), ("language_chosen", True)]
    )
    assert language_events(tracker) == []


def test_language_entity_outside_a_language_request_is_no_choice(domain):
    tracker = tracker_for(
        domain, ("jeg snakker ikke svensk", "find_interpreter", [{"entity": "language", "value": "sv"}], {})
    )
    assert "language_chosen" not in slot_values(language_events(tracker))


def test_long_text_switches_language_in_the_same_turn(domain):
    tracker = tracker_for(
        domain, ("jag har inte fått lön på tre månader och chefen har mitt pass", "rights_wages", [], {}),
        slots=[("language", "nb")],
    )
    assert slot_values(language_events(tracker)) == {"language": "sv"}


@pytest.fixture
def policy(tmp_path):
    return LanguagePolicy.create(
        LanguagePolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("language_policy"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def test_policy_predicts_nothing_but_returns_the_events(policy, domain):
    tracker = tracker_for(domain, ("hej", "greet", [], {"language_code": "da-DK"}))
    prediction = policy.predict_action_probabilities(tracker, domain)
    assert max(prediction.probabilities) == 0.0
    assert slot_values(prediction.events) == {"language": "da"}


def test_policy_is_silent_after_the_first_action_of_a_turn(policy, domain):
    tracker = tracker_for(domain, ("hej", "greet", [], {"language_code": "da"}))
    tracker.update(ActionExecuted("utter_greet"))
    assert policy.predict_action_probabilities(tracker, domain).events == []
