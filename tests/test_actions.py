"""Custom actions, run on rasa-sdk trackers built from dictionaries (as in RasaHQ/financial-demo)."""
import pytest

from actions.details import ActionShowMore
from actions.help import ActionAnswerNeed, ActionSetLocation, ActionSkipLocation
from bot.i18n import phrase


async def test_asks_for_the_town_when_the_place_is_unknown(sdk_tracker, run_action, slots_of):
    messages, events = await run_action(ActionAnswerNeed(), sdk_tracker("I need a bed tonight", "find_shelter"))
    assert messages[0]["text"] == phrase("en", "ask_place")
    assert messages[0]["buttons"][0]["payload"] == "/skip_location"
    assert slots_of(events)["pending_intent"] == "find_shelter"


async def test_place_in_the_same_message_is_answered_at_once(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("I'm in Bergen and need somewhere safe to sleep", "find_shelter")
    messages, events = await run_action(ActionAnswerNeed(), tracker)
    assert slots_of(events)["country"] == "NO" and slots_of(events)["municipality"] == "4601"
    text = messages[0]["text"]
    assert "Bergen" in text and text.startswith(phrase("en", "intro_first")) and "22 33 11 60" in text
    assert "Source:" not in text, "sources are shown with the details, one tap away"
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert '/show_more{"detail":"call"}' in payloads
    assert slots_of(events)["pending_intent"] is None and slots_of(events)["answered"] == "find_shelter"


@pytest.mark.parametrize("language, text, town", [("nb", "jeg er i Bergen og trenger et trygt sted å sove", "Bergen"),
                                                  ("da", "jeg er i Odense og har brug for et sted at sove", "Odense"),
                                                  ("sv", "jag är i Malmö och behöver ett tryggt ställe att sova", "Malmö")])
async def test_answers_in_the_users_language(sdk_tracker, language, text, town, run_action, slots_of):
    tracker = sdk_tracker(text, "find_shelter", slots={"language": language})
    messages, _ = await run_action(ActionAnswerNeed(), tracker)
    answer = messages[0]["text"]
    assert town in answer
    assert phrase(language, "intro_first") in answer


async def test_location_answer_resumes_the_waiting_question(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("Odense", "inform_location", slots={"pending_intent": "find_health", "language": "da"})
    messages, events = await run_action(ActionSetLocation(), tracker)
    assert slots_of(events)["municipality"] == "0461"
    assert "Odense" in messages[0]["text"] or "Syddanmark" in messages[0]["text"] or "Danmark" in messages[0]["text"]
    assert slots_of(events)["pending_intent"] is None


async def test_ambiguous_place_is_asked_with_buttons(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("i Herøy", "inform_location", slots={"pending_intent": "find_shelter"})
    messages, _ = await run_action(ActionSetLocation(), tracker)
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert len(payloads) == 2 and all('"municipality"' in p for p in payloads)


async def test_button_with_municipality_code(sdk_tracker, run_action, slots_of):
    entities = [{"entity": "municipality", "value": "1818"}, {"entity": "country", "value": "NO"}]
    tracker = sdk_tracker("/inform_location", "inform_location", entities=entities,
                          slots={"pending_intent": "find_shelter"})
    _, events = await run_action(ActionSetLocation(), tracker)
    assert slots_of(events)["municipality"] == "1818"


async def test_skipping_the_place_gives_national_help_and_a_hint(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("I don't know where I am", "skip_location",
                          slots={"pending_intent": "find_shelter", "country": "SE"})
    messages, events = await run_action(ActionSkipLocation(), tracker)
    assert slots_of(events)["location_skipped"] is True
    assert phrase("en", "place_unknown_hint") in messages[0]["text"]


async def test_skipping_without_a_country_asks_for_the_country(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("skip", "skip_location", slots={"pending_intent": "find_shelter"})
    messages, _ = await run_action(ActionSkipLocation(), tracker)
    assert [b["payload"] for b in messages[0]["buttons"]][0] == '/inform_location{"country":"NO"}'


async def test_rights_text_for_the_country(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("hva er refleksjonsperiode", "rights_reflection_period",
                          slots={"language": "nb", "country": "NO"})
    messages, events = await run_action(ActionAnswerNeed(), tracker)
    assert len(messages) == 1 and "22 33 11 60" in messages[0]["text"]  # where to get help with it, first
    button = next(b for b in messages[0]["buttons"] if b["title"] == phrase("nb", "button_more_rights"))
    tapped = sdk_tracker(button["payload"], "show_more", slots={"language": "nb", "country": "NO", **slots_of(events)},
                         entities=[{"entity": "detail", "value": "rights"}])
    details, _ = await run_action(ActionShowMore(), tapped)
    assert details[0]["text"].startswith(phrase("nb", "rights_intro", country="Norge"))
    assert "http" in details[0]["text"]


async def test_unrecognised_place_says_so(sdk_tracker, run_action, slots_of):
    messages, _ = await run_action(ActionSetLocation(), sdk_tracker("Atlantis", "inform_location"))
    assert messages[0]["text"] == phrase("en", "place_not_recognised")
