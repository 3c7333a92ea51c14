"""Render every response in the language of the ``language`` slot.

Configured in ``endpoints.yml`` as ``nlg: type: bot.nlg.TranslatingNLG``. The
English text in ``responses/`` is the gettext msgid; the response name is the
context. A missing translation falls back to English and is logged — as an
error for the safety-critical responses, which the tests require in every
shipped language.
"""
from __future__ import annotations

import functools
import logging
from typing import Any

from babel import Locale
from babel.lists import format_list
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.contract import intent_payload
from bot.i18n import lookup, phrase
from bot.i18n.catalogs import SOURCE_LANGUAGE
from bot.language import load_config, negotiate
from bot.text.names import own_names

logger = logging.getLogger(__name__)

LANGUAGE_SLOT = "language"
REQUESTED_SLOT = "requested_language"
# A response with `custom: {buttons: languages}` gets one button per shipped language.
LANGUAGE_BUTTONS = "languages"

# Responses a person in danger or worried about being watched must never get
# in a language they may not read: they are translated in every language.
SAFETY_CRITICAL = frozenset(
    {
        "utter_emergency",
        "utter_emergency_followup",
        "utter_action_failed",
        "utter_privacy",
        "utter_forget_done",
        "utter_language_choice",
    }
)


@functools.lru_cache(maxsize=1024)
def language_name(code: str, in_language: str) -> str:
    """What ``code`` is called in ``in_language`` ("svensk", "Swedish")."""
    try:
        return Locale.parse(in_language).languages.get(code) or code
    except (ValueError, TypeError):
        return code


def own_name(code: str) -> str:
    """A language's name for itself, capitalised for a button ("Norsk bokmål"), from names.json."""
    return own_names().get(code) or code


@functools.lru_cache(maxsize=64)
def available_languages(language: str) -> str:
    """The shipped languages, each by its own name, as a list in ``language`` ("Dansk, English og Svenska")."""
    return format_list([own_name(c) for c in load_config().shipped], locale=language)


def language_menu_buttons() -> list[dict[str, str]]:
    return [
        {"title": own_name(code), "payload": intent_payload("choose_language", language=code)}
        for code in load_config().shipped
    ]


def _copied(value: Any) -> Any:
    """A copy of a response (YAML data: dicts, lists, scalars) that filling and translating may change.

    ``copy.deepcopy`` does the same for such data, with a memo that is not needed here, at three times the cost.
    """
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


class TranslatingNLG(TemplatedNaturalLanguageGenerator):
    """Templated responses, translated through the gettext catalogues."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        domain: Domain | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)
        for language in load_config().shipped:  # load the catalogues before the first message
            lookup(language, "", "")

    def generate_from_slots(
        self,
        utter_action: str,
        filled_slots: dict[str, Any],
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        response = _copied(self._random_response_for(utter_action, output_channel, filled_slots))
        if response is None:
            return None
        language = negotiate(filled_slots.get(LANGUAGE_SLOT)) or load_config().default
        self._translate(utter_action, response, language)
        variables = self._variables(language, filled_slots, kwargs)
        filled = self._fill_response(response, filled_slots, **variables)
        if (filled.get("custom") or {}).get("buttons") == LANGUAGE_BUTTONS:
            filled.pop("custom")
            filled["buttons"] = language_menu_buttons()
        return filled

    def _translate(self, name: str, response: dict[str, Any], language: str) -> None:
        missing = []
        if response.get("text"):
            found = lookup(language, name, response["text"])
            response["text"] = found.text
            if not found.found:
                missing.append("text")
                if language != SOURCE_LANGUAGE:  # say so in their language (safety tier: most answers)
                    response["text"] = f"{phrase(language, 'in_english_only')}\n\n{found.text}"
        for button in response.get("buttons") or []:
            if button.get("title"):
                found = lookup(language, name, button["title"])
                button["title"] = found.text
                if not found.found:
                    missing.append("button")
        if missing:
            log = logger.error if name in SAFETY_CRITICAL else logger.warning
            log("Missing %s translation of %s in %r; answering in English.", "/".join(missing), name, language)

    @staticmethod
    def _variables(language: str, filled_slots: dict[str, Any], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Values the responses may use besides slots, named in the answer language."""
        variables = {k: v for k, v in kwargs.items() if v is not None}
        variables.setdefault("available_languages", available_languages(language))
        variables.setdefault("language_name", language_name(language, language))
        requested = filled_slots.get(REQUESTED_SLOT)
        if requested:
            variables.setdefault("requested_language_name", language_name(str(requested), language))
        return variables
