"""Copy slots the way ``copy.copy`` does, without its generic machinery.

Every tracker copy — Rasa makes one before each action and whenever it
replays a conversation — copies every slot with ``copy.copy``, which for a
plain object goes through ``__reduce_ex__`` and ``copyreg``: the largest
part of a tracker copy with our two dozen slots. A slot is a plain object (no
``__slots__``, no custom state), so a new instance of its class with the
same attribute dictionary is exactly what ``copy.copy`` makes; ``apply``
checks that every slot class Rasa defines is still plain.

A guarded patch: slots are Rasa's own classes, made from the domain.
"""
from __future__ import annotations

from rasa.shared.core.slots import Slot

from bot.speedups._guard import ABSENT, Patch, Refused, apply_all

# What would make ``copy.copy`` do something else than copy the attribute dictionary.
_COPY_HOOKS = ("__copy__", "__reduce__", "__reduce_ex__", "__getstate__", "__setstate__", "__slots__")


def copy_slot(self: Slot) -> Slot:
    new = type(self).__new__(type(self))
    new.__dict__.update(self.__dict__)
    return new


def _slot_classes(cls: type = Slot) -> list[type]:
    return [cls, *(sub for direct in cls.__subclasses__() for sub in _slot_classes(direct))]


def check_plain() -> None:
    """Refuse if a slot class defines its own copying, pickling or ``__slots__``."""
    for cls in _slot_classes():
        hooks = [hook for hook in _COPY_HOOKS if hook in vars(cls)]
        if hooks:
            raise Refused(f"{cls.__module__}.{cls.__qualname__} defines {', '.join(hooks)}: "
                          "copying its attribute dictionary may not be what copy.copy does")


def patches() -> list[Patch]:
    from rasa.shared.core.trackers import DialogueStateTracker

    return [Patch(Slot, "__copy__", copy_slot, original=ABSENT, via="copy", callers=(DialogueStateTracker.__init__,))]


def apply() -> None:
    check_plain()
    apply_all(patches())
