"""Validate the action server's responses with validators built once, and each event against its own kind.

Rasa validates every action server response with ``jsonschema.validate``,
which checks the (large, constant) events schema against the meta-schema
again on every call: 26 ms of a 42 ms turn with a custom action on this
machine. Here the validators are built once.

The schema says an event must match exactly one of 23 alternatives
(``oneOf``), one per kind of event, told apart by the constant ``event``
name; checking all 23 for every event was most of what remained. So the
response is checked against the schema without that ``oneOf``, and each
event against the one alternative its name selects — the same verdict,
because every other alternative requires another name. A response that
fails, or whose schema does not have that shape, goes through the full
schema, so errors are exactly Rasa's.

A guarded patch: Rasa offers no way to give ``RemoteAction`` another check.
"""
from __future__ import annotations

import copy
import functools
from typing import Any

from bot.speedups._guard import Patch, apply_all


@functools.cache
def _full_validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@functools.cache
def _split_validators() -> tuple[Any, dict[str, Any]] | None:
    """(the schema without the events' ``oneOf``, a validator per event name), or None if the shape differs."""
    from rasa.core.actions.action import RemoteAction

    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    try:
        item = schema["properties"]["events"]["items"]
        alternatives = item.pop("oneOf")
        names = [alternative["properties"]["event"]["const"] for alternative in alternatives]
    except (KeyError, TypeError):
        return None
    if "event" not in item.get("required", ()) or len(set(names)) != len(names):
        return None
    cls = type(_full_validator())
    return cls(schema), {name: cls(alternative) for name, alternative in zip(names, alternatives, strict=True)}


def _valid_by_kind(result: Any) -> bool:
    split = _split_validators()
    if split is None or not split[0].is_valid(result):
        return False
    kinds = split[1]
    events = result.get("events") if isinstance(result, dict) else None
    for event in events if isinstance(events, list) else ():
        validator = kinds.get(event["event"])
        if validator is None or not validator.is_valid(event):
            return False
    return True


def _validate_action_result(self: Any, result: dict) -> bool:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    if _valid_by_kind(result):
        return True
    error = best_match(_full_validator().iter_errors(result))
    if error is None:
        return True
    if isinstance(error, ValidationError):
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
    raise error


def patches() -> list[Patch]:
    from rasa.core.actions.action import RemoteAction

    return [Patch(RemoteAction, "_validate_action_result", _validate_action_result, callers=(RemoteAction.run,))]


def apply() -> None:
    apply_all(patches())
