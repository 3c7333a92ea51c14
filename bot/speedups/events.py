"""Find an event's class by its type name once, not by walking every Event subclass each time.

Rasa turns every event it reads back — from the action server's answer and,
with ``REDIS_URL``, from another replica's turns in Redis — into an object
with ``Event.from_parameters``, which asks ``Event.resolve_by_type`` for the
class, which walks all subclasses of ``Event`` recursively (~50 classes) for
every single event: 3 % of a replica's CPU in the production profile. The
classes are defined when Rasa is imported and do not change while the server
runs, so each name's answer is kept. Only what Rasa's own function returned
for a name is kept; unknown names (and Rasa's ``default`` and "topic" cases)
go to Rasa's function every time.

A guarded patch: ``Event`` is Rasa's own class.
"""
from __future__ import annotations

from rasa.shared.core.events import Event

from bot.speedups._guard import Patch, apply_all

_original = Event.resolve_by_type
_known: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    found = _known.get(type_name)
    if found is not None:
        return found
    found = _original(type_name, default)
    if found is not None and found is not default and getattr(found, "type_name", None) == type_name:
        _known[type_name] = found
    return found


def patches() -> list[Patch]:
    return [Patch(Event, "resolve_by_type", staticmethod(resolve_by_type),
                  callers=(Event.from_parameters, Event.from_story_string))]


def apply() -> None:
    apply_all(patches())
