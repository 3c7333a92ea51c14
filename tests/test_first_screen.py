"""Issue 12: answers that fit a phone and reach the right help in the first screen.

The first contact comes from resources/priority.yml; the rest is one tap away;
no answer names a service without its contact; a country is enough to answer.
"""
import shutil

import pytest

from actions import context
from actions.answers import call_answer, detail_texts, find, more_answer, need_answer
from actions.details import ActionShowMore
from actions.help import ActionAnswerNeed, ActionSkipLocation
from bot import paths
from bot.cli import main
from bot.directory import DirectoryStore
from bot.directory.present import named_services
from bot.i18n import phrase

ROSA, CMM, ALARM_116111 = "22 33 11 60", "+45 70 20 25 50", "116 111"
# Services the issue names: an answer that names one must show its contact (resources: known_as)
NAMED = {"NO": ["ROSA", "barnevernvakten", "legevakt", "Alarmtelefonen", "Kripos"], "DK": ["CMM", "Arbejdstilsynet"],
         "SE": ["Bris", "socialjouren", "Kvinnofridslinjen", "Evonhuset"]}


@pytest.fixture(scope="module")
def snapshot():
    return DirectoryStore(paths.ROOT / "resources").snapshot


def test_the_issues_service_names_are_known_to_the_directory(snapshot):
    for country, names in NAMED.items():
        known = {name for s in snapshot.directory.services if s.country == country for name in s.known_as}
        assert set(names) <= known, set(names) - known


@pytest.mark.parametrize("country, capital", [("NO", "0301"), ("DK", "0101"), ("SE", "0180")])
def test_no_answer_names_a_service_without_its_contact(snapshot, country, capital):
    directory = snapshot.directory
    missing = []
    for intent, spec in context.needs().items():
        for role in ("victims", "staff"):
            for municipality in (None, capital):
                for language in ("en", {"NO": "nb", "DK": "da", "SE": "sv"}[country]):
                    found = find(snapshot, country, spec.need, municipality, role, spec.minor)
                    texts = [need_answer(snapshot, language, found), more_answer(snapshot, language, found),
                             call_answer(snapshot, language, found) or "", *detail_texts(snapshot, language, country, spec)]
                    for text in texts:
                        missing += [(intent, role, language, s.id) for s in named_services(text, directory, country, text)]
    assert not missing, missing[:10]


def test_a_text_naming_a_service_gets_its_contact_appended(snapshot):
    from bot.directory.present import with_named_contacts

    text = with_named_contacts("Ring til CMM's hotline.", snapshot.directory, "DK", "da")
    assert CMM in text
    assert with_named_contacts(f"Ring CMM på {CMM}.", snapshot.directory, "DK", "da") == f"Ring CMM på {CMM}."


def test_priority_decides_the_first_contact(snapshot):
    finder = snapshot.finder
    assert finder.find("NO", "shelter", "3403").first.service.id == "no-rosa"  # Hamar
    assert finder.find("NO", "shelter", "3403", minor=True).first.service.id == "no-alarmtelefonen-116111"
    assert finder.find("DK", "legal_aid", "0851").first.service.id == "dk-cmm"
    assert finder.find("SE", "staff_guidance", "0180", role="staff").first.service.id == "se-rk-stockholm-vuxna"
    assert finder.find("SE", "staff_guidance", "2584", role="staff").first.service.id == "se-nspm-stodtelefon"  # Kiruna
    assert finder.find("SE", "shelter", "0180").first.service.id == "se-safe-havens"  # any form, any gender
    assert finder.find("SE", "shelter", "0180", minor=True).first.service.id == "se-bris"
    assert finder.find("NO", "emergency", "0301").first is None  # 112 leads an emergency, nothing else


def test_the_first_contact_is_not_repeated_below_it(snapshot):
    found = snapshot.finder.find("NO", "legal_aid", "0301")
    assert found.first.service.id == "no-rosa"
    assert all(m.service.id != "no-rosa" for m in found.matches)


def test_a_wrong_priority_entry_is_reported_with_file_and_line(tmp_path, capsys):
    copy = tmp_path / "resources"
    shutil.copytree(paths.ROOT / "resources", copy)
    priority = copy / "priority.yml"
    text = priority.read_text(encoding="utf-8")
    priority.write_text(text.replace("default: [dk-cmm]                  #", "default: [no-rosa]  #", 1)
                        .replace("    minors: [se-bris]", "    minors: [se-nspm-stodtelefon]"), encoding="utf-8")
    assert main(["resources", "validate", str(copy)]) == 1
    out = capsys.readouterr().out
    lines = priority.read_text(encoding="utf-8").splitlines()
    wrong_country = next(i for i, line in enumerate(lines) if "default: [no-rosa]  #" in line) + 1
    assert f"priority.yml:{wrong_country}:" in out and "'no-rosa' is not a service of DK" in out
    assert "'se-nspm-stodtelefon' does not serve victims" in out


async def test_a_country_without_a_town_gets_the_countrys_help_at_once(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("I have no idea which town this is, somewhere in Norway I think. Please I need help",
                          "find_help", entities=[{"entity": "country", "value": "NO"}])
    messages, events = await run_action(ActionAnswerNeed(), tracker)
    assert len(messages) == 1 and ROSA in messages[0]["text"]
    assert phrase("en", "place_unknown_hint") in messages[0]["text"]
    assert slots_of(events)["country"] == "NO" and slots_of(events)["pending_intent"] is None


async def test_dont_know_where_without_a_country_asks_only_for_the_country(sdk_tracker, run_action, slots_of):
    messages, events = await run_action(ActionSkipLocation(), sdk_tracker("I don't know where I am", "skip_location"))
    assert messages[0]["text"] == phrase("en", "ask_country") and len(messages[0]["buttons"]) == 3
    assert slots_of(events)["pending_intent"] == "find_help"


async def test_dont_know_where_but_a_country_gives_national_help(sdk_tracker, run_action):
    tracker = sdk_tracker("I don't know where I am, I think it's somewhere in Norway", "skip_location",
                          entities=[{"entity": "country", "value": "NO"}])
    messages, _ = await run_action(ActionSkipLocation(), tracker)
    assert ROSA in messages[-1]["text"]


async def test_a_professional_who_asks_whom_to_call_gets_the_line_and_the_steps_as_an_offer(sdk_tracker, run_action, slots_of):
    tracker = sdk_tracker("har en patient, som måske er offer for menneskehandel. Hvem skal jeg ringe til?",
                          "staff_suspect_case", slots={"language": "da", "country": "DK", "municipality": "0851"})
    messages, events = await run_action(ActionAnswerNeed(), tracker)
    text = messages[-1]["text"]
    assert text.index(CMM) < 500
    assert phrase("da", "offer_staff_steps") in text
    assert messages[-1]["buttons"][0] == {"title": phrase("da", "button_staff_steps"), "payload": "/staff_steps"}
    assert slots_of(events)["role"] == "staff"


async def test_signs_in_the_message_offer_the_self_check(sdk_tracker, run_action):
    signs = [{"entity": "trafficking_sign", "value": "documents_taken"}, {"entity": "trafficking_sign", "value": "pay_withheld"}]
    tracker = sdk_tracker("jeg er i Hattfjelldal, sjefen har tatt passet mitt og jeg får ikke lønn", "rights_wages",
                          entities=signs, slots={"language": "nb"})
    messages, _ = await run_action(ActionAnswerNeed(), tracker)
    assert ROSA in messages[-1]["text"]
    assert "/self_check_start" in [b["payload"] for b in messages[-1]["buttons"]]
    without = sdk_tracker("jeg er i Hattfjelldal og lurer på lønn", "rights_wages", slots={"language": "nb"})
    messages, _ = await run_action(ActionAnswerNeed(), without)
    assert "/self_check_start" not in [b["payload"] for b in messages[-1]["buttons"]]


async def test_a_child_gets_the_childrens_line_first(sdk_tracker, run_action):
    messages, _ = await run_action(ActionAnswerNeed(), sdk_tracker("jeg er 15 og bor i Bergen", "rights_children",
                                                                   slots={"language": "nb"}))
    text = messages[-1]["text"]
    assert text.index(ALARM_116111) < text.index(ROSA) if ROSA in text else ALARM_116111 in text


async def test_other_places_show_every_service_in_full_with_sources(sdk_tracker, run_action):
    slots = {"answered": "find_shelter", "country": "NO", "municipality": "0301"}
    tapped = sdk_tracker('/show_more{"detail":"places"}', "show_more", slots=slots,
                         entities=[{"entity": "detail", "value": "places"}])
    messages, _ = await run_action(ActionShowMore(), tapped)
    text = messages[0]["text"]
    assert text.count("•") >= 3 and text.count(phrase("en", "rights_source", url="", date="").split(":")[0]) >= 3


async def test_an_old_button_without_its_answer_says_so(sdk_tracker, run_action):
    tapped = sdk_tracker('/show_more{"detail":"call"}', "show_more", entities=[{"entity": "detail", "value": "call"}])
    messages, _ = await run_action(ActionShowMore(), tapped)
    assert messages[0]["text"] == phrase("en", "detail_gone")


@pytest.mark.parametrize("text, name", [("Jag är i Habo", "Habo"), ("Jag är i Håbo", "Håbo")])
def test_an_exact_name_wins_over_a_folded_match(snapshot, text, name):
    recognition = snapshot.places.recognise(text)
    assert [p.name for p in recognition.places] == [name]


def test_two_places_written_alike_are_still_asked_about(snapshot):
    assert snapshot.places.recognise("i Herøy").ambiguous


@pytest.mark.parametrize("home, country", [("SE", "SE"), ("NO", "NO"), (None, None)])
def test_a_name_two_countries_share_is_taken_to_be_in_the_country_of_the_language(snapshot, home, country):
    """"Lund" (Skåne and Rogaland): a Swedish writer means Skåne; with no language to go by, ask."""
    recognition = snapshot.places.recognise("Jag är kurator i Lund", home_country=home)
    assert recognition.ambiguous == (country is None)
    assert {p.country for p in recognition.places} == ({country} if country else {"NO", "SE"})


def test_the_country_a_message_names_outweighs_the_conversations_and_the_languages(snapshot):
    recognition = snapshot.places.recognise("nå er jeg i Lund i Sverige", country_hint="NO", home_country="NO")
    assert [p.country for p in recognition.places] == ["SE"]


def test_a_named_service_is_the_one_nearest_to_the_person(snapshot):
    """"socialjouren" in a text: Örebro's own line in Örebro, the national entry in a town without one."""
    from bot.directory.present import with_named_contacts

    directory = snapshot.directory
    orebro = directory.place("SE", "1880")
    county = directory.countries["SE"].counties[orebro.county]
    text = "Kontakta socialjouren."
    assert "019-21 41 05" in with_named_contacts(text, directory, "SE", "sv", orebro, county)
    kiruna = directory.place("SE", "2584")
    elsewhere = with_named_contacts(text, directory, "SE", "sv", kiruna,
                                    directory.countries["SE"].counties[kiruna.county])
    assert "019-21 41 05" not in elsewhere and elsewhere.count("•") == 1
