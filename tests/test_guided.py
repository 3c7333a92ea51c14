"""The guided conversations' results, on trackers built from dictionaries."""

from actions.guided import ASK_ACTIONS
from actions.help import ActionSelfCheckResult, ActionStaffRoutingResult
from bot.contract import PRINTABLE
from bot.i18n import phrase

SIGNS = ["deception", "documents", "movement", "wages", "debt", "threats", "isolation", "conditions"]


def answers(**given):
    return {f"sc_{sign}": given.get(sign, "no") for sign in SIGNS}


async def test_self_check_names_the_signs_answered_yes_never_a_verdict(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("ja", "affirm", slots={**answers(documents="yes", debt="yes", wages="unsure"),
                                                 "language": "nb", "country": "NO", "municipality": "4601"})
    messages, events = await run_action(ActionSelfCheckResult(), tracker)
    result = messages[0]["text"]
    assert phrase("nb", "sc_sign_documents") in result and phrase("nb", "sc_sign_debt") in result
    assert phrase("nb", "sc_sign_wages") not in result and phrase("nb", "sc_result_unsure") in result
    assert result.startswith(phrase("nb", "sc_result_intro"))
    assert "•" in messages[1]["text"] and "22 33 11 60" in messages[1]["text"]  # then ROSA, and help in Bergen
    assert '/show_more{"detail":"rights"}' in [b["payload"] for b in messages[1]["buttons"]]  # the rights: one tap away
    assert all(slots_of(events)[f"sc_{sign}"] is None for sign in SIGNS), "answers are not kept"


async def test_threats_bring_the_emergency_numbers_first(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("yes", "affirm", slots={**answers(threats="yes"), "country": "SE", "municipality": "0180"})
    messages, _ = await run_action(ActionSelfCheckResult(), tracker)
    assert messages[0]["response"] == "utter_emergency"


async def test_threats_bring_the_emergency_numbers_before_asking_where(sdk_tracker, run_action, slots_of):
    """A person who does not know or will not say where they are still gets 112 at once."""
    tracker = sdk_tracker("yes", "affirm", slots=answers(threats="yes"))
    messages, events = await run_action(ActionSelfCheckResult(), tracker)
    assert messages[0]["response"] == "utter_emergency"
    assert messages[1]["text"] == phrase("en", "ask_place")


async def test_threats_with_a_country_but_no_town_answer_at_once_emergency_first(sdk_tracker, run_action):
    tracker = sdk_tracker("yes", "affirm", slots={**answers(threats="yes"), "country": "NO"})
    messages, _ = await run_action(ActionSelfCheckResult(), tracker)
    assert messages[0]["response"] == "utter_emergency"
    answer = messages[-1]["text"]
    assert answer.startswith(phrase("en", "intro_urgent")) and "22 33 11 60" in answer
    assert phrase("en", "place_unknown_hint") in answer


async def test_staff_danger_brings_the_emergency_numbers_before_asking_where(sdk_tracker, run_action):
    tracker = sdk_tracker("yes", "affirm", slots=routing("yes", "no"))
    messages, _ = await run_action(ActionStaffRoutingResult(), tracker)
    assert messages[0]["response"] == "utter_emergency"
    assert messages[1]["text"] == phrase("en", "ask_place")


async def test_self_check_with_no_signs_still_offers_help(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("no", "deny", slots={**answers(), "country": "DK", "municipality": "0101"})
    messages, _ = await run_action(ActionSelfCheckResult(), tracker)
    assert messages[0]["text"] == phrase("en", "sc_result_none")
    assert len(messages) == 2 and "+45 70 20 25 50" in messages[1]["text"]  # CMM


async def test_self_check_asks_the_town_when_unknown(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("ja", "affirm", slots=answers(debt="yes"))
    messages, events = await run_action(ActionSelfCheckResult(), tracker)
    assert messages[0]["text"] == phrase("en", "ask_place")
    assert slots_of(events)["pending_intent"] == "self_check_result"
    assert "sc_debt" not in slots_of(events), "the answers wait for the result"


def routing(danger, minor, form="labour", **extra):
    return {"sr_danger": danger, "sr_minor": minor, "sr_exploitation": form, "role": "staff", **extra}


async def test_child_case_puts_child_protection_first(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("/staff", "staff_suspect_case", slots=routing("no", "yes", country="NO", municipality="0301"))
    messages, events = await run_action(ActionStaffRoutingResult(), tracker)
    steps = messages[0]["text"].splitlines()
    assert steps[1] == phrase("en", "sr_step_child", number=1)
    assert slots_of(events)["sr_minor"] is None


async def test_immediate_danger_puts_the_police_first(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("/staff", "staff_suspect_case", slots=routing("yes", "no", country="DK", municipality="0751"))
    messages, _ = await run_action(ActionStaffRoutingResult(), tracker)
    steps = messages[0]["text"].splitlines()
    assert steps[1] == phrase("en", "sr_step_police", number=1)
    assert phrase("en", "intro_urgent") in messages[-1]["text"]


async def test_routing_with_unknown_municipality_uses_national_contacts(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("I don't know", "skip_location",
                          slots=routing("no", "no", country="SE", location_skipped=True, pending_intent="staff_routing_result"))
    messages, _ = await run_action(ActionStaffRoutingResult(), tracker)
    assert phrase("en", "place_unknown_hint") in messages[-1]["text"]


async def test_questions_are_asked_in_the_users_language_with_answer_buttons(sdk_tracker, run_action, slots_of):
    ask = next(a for a in ASK_ACTIONS if a().name() == "action_ask_sc_documents")()
    messages, _ = await run_action(ask, sdk_tracker("", "self_check", slots={"language": "da"}))
    assert messages[0]["text"] == phrase("da", "ask_sc_documents")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny", "/unsure", "/stop_flow"]


async def test_only_the_routing_steps_are_marked_printable(sdk_tracker, run_action):
    """The web chat offers "Print the steps" for the professionals' routing answer, not for a victim's self-check."""
    tracker = sdk_tracker("/staff", "staff_suspect_case", slots=routing("no", "no", country="NO", municipality="0301"))
    messages, _ = await run_action(ActionStaffRoutingResult(), tracker)
    assert messages[0]["custom"] == {PRINTABLE: True}
    assert messages[0]["text"].startswith(phrase("en", "sr_steps_intro"))
    assert not any(message.get("custom") for message in messages[1:])
    checked, _ = await run_action(ActionSelfCheckResult(), sdk_tracker("/self_check", "self_check", slots={**answers(documents="yes"), "country": "NO", "municipality": "0301"}))
    assert not any(message.get("custom") for message in checked)
