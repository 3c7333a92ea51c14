"""Copy slots the way ``copy.copy`` does, without its generic machinery.

Every tracker copy — Rasa makes one before each action and whenever it
replays a conversation — copies every slot with ``copy.copy``, which for a
plain object goes through ``__reduce_ex__`` and ``copyreg``: the largest
part of a tracker copy with our two dozen slots. A slot is a plain object (no
``__slots__``, no custom state), so a new instance of its class with the
same attribute dictionary is exactly what ``copy.copy`` makes.
"""
from __future__ import annotations

from rasa.shared.core.slots import Slot


def copy_slot(self: Slot) -> Slot:
    new = type(self).__new__(type(self))
    new.__dict__.update(self.__dict__)
    return new


def apply() -> None:
    Slot.__copy__ = copy_slot
