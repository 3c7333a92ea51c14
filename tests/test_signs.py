"""Signs of trafficking (bot/nlu/signs.py): every file's examples and near misses, and the component."""
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from bot.language import load_config
from bot.nlu.signs import SIGNS, SIGNS_PATH, find_signs, load_signs
from bot.nlu.signs_extractor import SIGNS_INTENT, TraffickingSignsExtractor

FILES = sorted(SIGNS_PATH.glob("*.yml"))


def cases(section: str):
    for path in FILES:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")).get(section) or []:
            yield pytest.param(path.stem, case, id=f"{path.stem}:{str(case)[:40]}")


def test_every_shipped_language_has_a_file_with_examples_of_every_sign():
    assert {p.stem for p in FILES} == set(load_config().shipped)
    for path in FILES:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        shown = {sign for case in raw["examples"] for sign in case["signs"]}
        assert shown == set(SIGNS), (path.name, set(SIGNS) - shown)
        assert len(raw["near_misses"]) >= 12, path.name


@pytest.mark.parametrize("language, case", list(cases("examples")))
def test_examples_show_exactly_their_signs(language, case):
    assert find_signs(case["text"]) == [s for s in SIGNS if s in case["signs"]]


@pytest.mark.parametrize("language, case", list(cases("near_misses")))
def test_near_misses_show_no_sign(language, case):
    assert find_signs(case) == []


def test_a_bad_pattern_fails_with_its_file_and_place(tmp_path: Path):
    (tmp_path / "xx.yml").write_text("debt:\n  - '(unclosed'\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"xx.yml: debt\[0\]"):
        load_signs(tmp_path)
    (tmp_path / "xx.yml").write_text("debts:\n  - 'x'\n", encoding="utf-8")
    load_signs.cache_clear()
    with pytest.raises(ValueError, match="unknown section"):
        load_signs(tmp_path)


def _message(text: str, intent: str) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.4})
    return message


def test_a_message_that_asks_nothing_else_is_answered_as_signs():
    message = _message("Jeg arbejder på et slagteri i Aalborg, de tager alle mine penge og truer min familie", "nlu_fallback")
    TraffickingSignsExtractor().process([message])
    assert message.get("intent")["name"] == SIGNS_INTENT
    assert {e["value"] for e in message.get("entities")} >= {"money_taken", "threats"}
    assert message.get("signs")["classifier_intent"] == "nlu_fallback"


@pytest.mark.parametrize("intent", ["emergency", "find_shelter", "rights_documents"])
def test_a_question_or_an_emergency_keeps_its_intent(intent):
    message = _message("my boss took my passport", intent)
    TraffickingSignsExtractor().process([message])
    assert message.get("intent")["name"] == intent
    assert [e["value"] for e in message.get("entities")] == ["documents_taken"]


def test_button_payloads_are_not_read_for_signs():
    message = _message("/greet", "greet")
    TraffickingSignsExtractor().process([message])
    assert message.get("intent")["name"] == "greet" and not message.get("entities")
