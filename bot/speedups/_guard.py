"""Before a speed-up replaces a name of Rasa's, check that it replaces what Rasa really uses.

A patch that assigns to a name Rasa no longer calls does nothing, silently.
So every patch names the Rasa functions that call the replaced name, and
before anything is assigned this checks that

1. the name holds what Rasa defines there (a function or class of Rasa's own,
   or the exact object expected; or nothing, for a name Rasa leaves to a
   default) — so a second patch, or someone else's, is noticed; and
2. each of those Rasa functions still refers to that name (``co_names`` of its
   code, nested functions and comprehensions included). A caller wrapped by
   another of our patches (``bot.action_guard`` wraps ``RemoteAction.run``)
   is looked at through ``__wrapped__``: Rasa's own function is what counts.

When a check fails, ``Refused`` says which; ``bot.speedups.apply`` turns it
into a refusal to start that names the speed-up and how to switch it off.
"""
from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

RASA = object()  # the name must hold a function or class defined in Rasa's package
ABSENT = object()  # the name must not be defined (Rasa relies on the default)


class Refused(RuntimeError):
    """A patch would not do what it is meant to: the Rasa code it assumes is not there."""


def _label(value: Any) -> str:
    value = _unwrapped(value)
    module = getattr(value, "__module__", None) or getattr(value, "__name__", "?")
    return f"{module}.{getattr(value, '__qualname__', type(value).__name__)}"


def _unwrapped(value: Any) -> Any:
    if isinstance(value, (staticmethod, classmethod)):
        return value.__func__
    return value


def is_rasas(value: Any) -> bool:
    """Whether ``value`` is a function or class defined in Rasa's package."""
    module = getattr(_unwrapped(value), "__module__", None) or ""
    return module == "rasa" or module.startswith("rasa.")


def references(function: Callable, name: str) -> bool:
    """Whether ``function``'s code (or code nested in it) refers to ``name`` (global, attribute or method)."""
    code = getattr(_unwrapped(function), "__code__", None)
    if code is None:
        raise Refused(f"{_label(function)} has no Python code to inspect")
    pending = [code]
    while pending:
        code = pending.pop()
        if name in code.co_names:
            return True
        pending.extend(const for const in code.co_consts if isinstance(const, types.CodeType))
    return False


def expect(owner: Any, name: str, callers: Iterable[Callable], via: str | None = None,
           original: Any = RASA) -> None:
    """Raise ``Refused`` unless ``owner.name`` is ``original`` and every caller still refers to ``via`` (or ``name``)."""
    where = getattr(owner, "__qualname__", None) or getattr(owner, "__name__", repr(owner))
    current = inspect.getattr_static(owner, name, ABSENT)
    if original is ABSENT:
        inherited = getattr(owner, name, None)
        if current is not ABSENT or (inherited is not None and inherited is not getattr(object, name, None)):
            raise Refused(f"{where}.{name} is defined ({_label(inherited)}); the speed-up expects Rasa to leave it out")
    elif original is RASA:
        if current is ABSENT:
            raise Refused(f"{where}.{name} does not exist in this Rasa")
        if not is_rasas(current):
            raise Refused(f"{where}.{name} is {_label(current)}, not Rasa's own: patched twice, or by something else")
    elif current is not original:
        raise Refused(f"{where}.{name} is {_label(current)}, not {_label(original)}: patched twice, or by something else")
    callers = [inspect.unwrap(_unwrapped(caller)) for caller in callers]
    if not callers:
        raise Refused(f"no Rasa caller is named for {where}.{name}")
    for caller in callers:
        if not is_rasas(caller):
            raise Refused(f"the caller named for {where}.{name}, {_label(caller)}, is not Rasa's own")
        if not references(caller, via or name):
            raise Refused(f"Rasa's {_label(caller)} no longer uses {via or name}, so replacing {where}.{name} "
                          "would do nothing")


@dataclass(frozen=True)
class Patch:
    """``owner.name = new``, once ``expect`` holds for it."""

    owner: Any
    name: str
    new: Any
    callers: tuple[Callable, ...]
    via: str | None = None
    original: Any = RASA

    def check(self) -> None:
        expect(self.owner, self.name, self.callers, self.via, self.original)


def apply_all(patches: Iterable[Patch]) -> None:
    """Check every patch, then assign them all: either all of a speed-up's patches are in place or none."""
    patches = list(patches)
    for patch in patches:
        patch.check()
    for patch in patches:
        setattr(patch.owner, patch.name, patch.new)
