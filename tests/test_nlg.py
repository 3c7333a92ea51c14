"""Responses are rendered in the language of the slot, through the catalogues."""
import logging
import re

import pytest

from bot.i18n import phrase
from bot.language import load_config
from bot.nlg import SAFETY_CRITICAL, TranslatingNLG
from bot.nlg.generator import language_menu_buttons

SHIPPED = load_config().shipped


@pytest.fixture(scope="module")
def nlg(domain):
    return TranslatingNLG(domain=domain)


def render(nlg, name, **slots):
    filled = {"language": "en", "language_chosen": False, "country": None, "role": None,
              "language_request": None, "requested_language": None, **slots}
    return nlg.generate_from_slots(name, filled, "rest")


def test_greeting_differs_per_language_and_buttons_are_translated(nlg):
    understood = load_config().understood  # the safety tier greets in English, saying so
    rendered = {lang: render(nlg, "utter_greet", language=lang) for lang in understood}
    assert len({r["text"] for r in rendered.values()}) == len(understood)
    assert len({r["buttons"][0]["title"] for r in rendered.values()}) == len(understood)
    assert rendered["en"]["buttons"][0]["payload"] == "/find_help"
    assert all(r["buttons"][0]["payload"] == "/find_help" for r in rendered.values())


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize("country, numbers", [(None, ["112", "113", "110"]), ("NO", ["112", "113", "110"]),
                                              ("DK", ["112"]), ("SE", ["112"])])
def test_emergency_numbers_in_every_language_and_country(nlg, language, country, numbers):
    text = render(nlg, "utter_emergency", language=language, country=country)["text"]
    assert text.index("112") < 80, "the number comes first"
    for number in numbers:
        assert number in text


def test_emergency_without_country_lists_all_three_countries(nlg):
    text = render(nlg, "utter_emergency", language="nb")["text"]
    assert all(name in text for name in ("Norge", "Danmark", "Sverige"))


def test_country_specific_variant_is_chosen(nlg):
    norway = render(nlg, "utter_emergency", language="en", country="NO")["text"]
    denmark = render(nlg, "utter_emergency", language="en", country="DK")["text"]
    assert "22 33 11 60" in norway and "+45 70 20 25 50" in denmark


def test_language_menu_offers_each_shipped_language_by_its_own_name(nlg):
    buttons = render(nlg, "utter_language_choice", language="da", language_request="menu")["buttons"]
    assert [b["payload"] for b in buttons] == [f'/choose_language{{"language":"{c}"}}' for c in SHIPPED]
    assert [b["title"] for b in buttons][:4] == ["English", "Norsk bokmål", "Dansk", "Svenska"]
    own = {"ro": "Română", "uk": "Українська", "ru": "Русский", "th": "ไทย", "fa": "فارسی", "ti": "ትግርኛ",
           "ar": "العربية", "es": "Español", "vi": "Tiếng Việt", "tr": "Türkçe", "fr": "Français",
           "bg": "Български", "pl": "Polski", "lt": "Lietuvių"}
    assert [b["title"] for b in buttons][4:] == [own.get(code, code) for code in SHIPPED[4:]]
    assert buttons == language_menu_buttons()


def test_unavailable_language_is_named_in_the_answer_language(nlg):
    response = render(nlg, "utter_language_choice", language="nb", language_request="unavailable",
                      requested_language="pl")
    assert "polsk" in response["text"] and "Svenska" in response["text"] and "{" not in response["text"]
    assert len(response["buttons"]) == len(SHIPPED) and "custom" not in response


def test_switch_is_confirmed_in_the_new_language_without_menu(nlg):
    response = render(nlg, "utter_language_choice", language="sv", language_request="switched")
    assert "svenska" in response["text"] and not response.get("buttons")


def test_missing_translation_falls_back_to_english_and_is_loud_for_safety(nlg, caplog, monkeypatch):
    import bot.nlg.generator as generator
    from bot.i18n.catalogs import Lookup

    monkeypatch.setattr(generator, "lookup", lambda language, context, english: Lookup(english, False))
    with caplog.at_level(logging.WARNING, logger="bot.nlg.generator"):
        text = render(nlg, "utter_emergency", language="sv")["text"]
        render(nlg, "utter_thank", language="sv")
    assert "call 112" in text
    levels = {r.getMessage().split(" of ")[1].split(" ")[0]: r.levelno for r in caplog.records}
    assert levels["utter_emergency"] == logging.ERROR
    assert levels["utter_thank"] == logging.WARNING


def test_every_safety_critical_response_exists(domain):
    assert set(domain.responses) >= SAFETY_CRITICAL


def test_unknown_language_slot_answers_in_default(nlg):
    assert render(nlg, "utter_thank", language="xx-!!")["text"] == render(nlg, "utter_thank")["text"]


def test_no_placeholder_is_left_unfilled(nlg, domain):
    for name in domain.responses:
        for language in SHIPPED:
            for country in (None, "NO", "DK", "SE"):
                response = render(nlg, name, language=language, country=country, requested_language="pl")
                assert not re.search(r"\{[a-z_]+\}", response.get("text") or ""), (name, language)


@pytest.mark.parametrize("language", [code for code in SHIPPED if code in load_config().safety])
def test_safety_tier_answers_other_questions_in_english_saying_so(nlg, language):
    greeting = render(nlg, "utter_greet", language=language)
    note = phrase(language, "in_english_only")
    assert greeting["text"] == f"{note}\n\n{render(nlg, 'utter_greet', language='en')['text']}"
    assert render(nlg, "utter_emergency", language=language)["text"] != render(nlg, "utter_emergency")["text"]
