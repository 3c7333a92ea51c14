"""The emergency numbers stand in three places, on purpose; these tests keep them one fact.

The help directory (``resources/services/*/national.yml``) holds every number
with its source. The emergency answer (``responses/safety.yml``) and the
gateways' own emergency text (``bot/telegram/phrases.yml``, shown by Telegram
and the web chat when Rasa, the action server or a data file is broken) must
work without the directory, so they carry the numbers in their text. A number
changed in one place and not the others fails here; the translations keep the
numbers of their English text (tests/test_catalogues.py).
"""
from __future__ import annotations

import re

import pytest
import yaml

from bot import paths
from bot.directory import DirectoryStore

PHONE = re.compile(r"\+?\d[\d -]{1,14}\d")


def numbers(text: str) -> set[str]:
    """The phone numbers in a text, as digits ("+45 70 20 25 50" → "4570202550")."""
    return {re.sub(r"\D", "", match) for match in PHONE.findall(text)}


def national_numbers(directory, country: str) -> set[str]:
    digits = set()
    for service in directory.services:
        if service.id.startswith(country.lower() + "-"):
            digits |= {re.sub(r"\D", "", phone) for phone in service.phones}
    return digits


def known(number: str, directory_numbers: set[str]) -> bool:
    """A number of the directory, also when written with the country code (+45 …)."""
    return any(number == known or number.endswith(known) and len(known) >= 8 for known in directory_numbers)


@pytest.fixture(scope="module")
def directory():
    return DirectoryStore(paths.ROOT / "resources").snapshot.directory


@pytest.fixture(scope="module")
def emergency_answers() -> dict[str | None, str]:
    """utter_emergency's English texts by the country it is for (None: no country known)."""
    responses = yaml.safe_load((paths.ROOT / "responses" / "safety.yml").read_text(encoding="utf-8"))["responses"]
    answers = {}
    for variant in responses["utter_emergency"]:
        country = next((c["value"] for c in variant.get("condition") or [] if c.get("name") == "country"), None)
        answers[country] = variant["text"]
    return answers


@pytest.fixture(scope="module")
def gateway_text() -> str:
    phrases = yaml.safe_load((paths.ROOT / "bot" / "telegram" / "phrases.yml").read_text(encoding="utf-8"))
    return phrases["phrases"]["emergency_numbers"]


@pytest.mark.parametrize("country", ["NO", "DK", "SE"])
def test_every_number_of_the_emergency_answer_is_in_the_directory(directory, emergency_answers, country):
    answer = numbers(emergency_answers[country])
    assert answer, country
    assert all(known(n, national_numbers(directory, country)) for n in answer), (country, answer)


def test_the_gateways_text_gives_exactly_the_numbers_of_the_emergency_answers(emergency_answers, gateway_text):
    """When Rasa is down the gateway's text is all a person gets: every line the answers give, no other."""
    assert numbers(gateway_text) == set().union(*(numbers(text) for text in emergency_answers.values()))


def test_the_numbers_can_be_told_apart():
    """The check above is only as good as the number finder: it must see each number whole."""
    assert numbers("ROSA: 22 33 11 60. CMM: +45 70 20 25 50; Safe Havens 073-920 68 17, fire 110.") == {
        "22331160", "4570202550", "0739206817", "110"}
