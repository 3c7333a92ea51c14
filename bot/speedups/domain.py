"""Ask once per domain whether it is empty.

Rasa's message processor checks ``Domain.is_empty()`` for every message, and
the check serialises the whole domain (all responses and forms) and builds an
empty domain to compare it with. A loaded domain does not change while the
server runs, so the answer is kept on the domain object.
"""
from __future__ import annotations

from rasa.shared.core.domain import Domain

_original_is_empty = Domain.is_empty


def is_empty(self: Domain) -> bool:
    known = self.__dict__.get("_veiviser_is_empty")
    if known is None:
        known = self.__dict__["_veiviser_is_empty"] = _original_is_empty(self)
    return known


def apply() -> None:
    Domain.is_empty = is_empty
