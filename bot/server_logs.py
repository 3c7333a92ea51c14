"""Rasa's server logs without what people wrote.

Rasa 3.6's structured log events carry message texts, entities, slot values
and dialogue states under known keys (``rasa.utils.log_utils._anonymizer``
lists them, but only blanks them when a Rasa Pro anonymisation pipeline is
installed), and its JSON exception renderer writes out the local variables of
every frame — the text of the message that failed among them. ``bot.serve``
wraps Rasa's logging set-up so that those keys are withheld and tracebacks
show code, not data.
"""
from __future__ import annotations

from typing import Any

import structlog
from structlog.dev import ConsoleRenderer, plain_traceback
from structlog.processors import ExceptionRenderer, dict_tracebacks
from structlog.tracebacks import ExceptionDictTransformer

WITHHELD = "[withheld]"
SENSITIVE_KEYS = frozenset({
    # rasa.utils.log_utils._anonymizer's list
    "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
    "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response",
    "slot_candidates", "rasa_event", "rasa_events", "tracker_states", "current_states", "old_states",
    "successes", "current_entity", "next_entity", "states", "entity", "token_text", "user_message",
    "json_message",
    # further keys of Rasa 3.6 events that hold what a user wrote or who they are
    "sender_id", "conversation_id", "metadata", "entities", "events", "slots", "slot_value", "value",
    "tracker", "utterance", "parse_data", "event_info_text",
})


def withhold_user_data(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    for key in SENSITIVE_KEYS.intersection(event_dict):
        event_dict[key] = WITHHELD
    return event_dict


def _without_data(processor: Any) -> Any:
    if processor is dict_tracebacks:
        return ExceptionRenderer(ExceptionDictTransformer(show_locals=False))
    if isinstance(processor, ConsoleRenderer):
        return type(processor)(exception_formatter=plain_traceback)
    return processor


def configure(original: Any, log_level: int | None = None) -> None:
    """Rasa's ``configure_structlog``, then our filter first and tracebacks without locals."""
    original(log_level)
    processors = [withhold_user_data, *(_without_data(p) for p in structlog.get_config()["processors"])]
    structlog.configure(processors=processors)


def apply() -> None:
    import rasa.__main__
    import rasa.utils.log_utils

    original = rasa.utils.log_utils.configure_structlog

    def configure_structlog(log_level: int | None = None) -> None:
        configure(original, log_level)

    rasa.utils.log_utils.configure_structlog = configure_structlog
    rasa.__main__.configure_structlog = configure_structlog
