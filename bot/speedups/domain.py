"""Ask once per domain what only depends on the domain.

Rasa's message processor checks ``Domain.is_empty()`` for every message, and
the check serialises the whole domain (all responses and forms) and builds an
empty domain to compare it with; and before every turn it checks every slot
mapping against the domain's intents and entities
(``SlotMapping.check_mapping_validity``). A loaded domain does not change
while the server runs, so both answers are kept — on the domain itself, so
they go when the domain goes. (An invalid mapping's warning is then given
once, not at every message.)

A guarded patch: the domain is Rasa's own class, loaded with the model.
"""
from __future__ import annotations

from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.slot_mappings import SlotMapping

from bot.speedups._guard import Patch, apply_all

_original_is_empty = Domain.is_empty
_original_check_mapping_validity = SlotMapping.check_mapping_validity
_IS_EMPTY = "_veiviser_is_empty"
_VALIDITY = "_veiviser_mapping_validity"


def is_empty(self: Domain) -> bool:
    known = self.__dict__.get(_IS_EMPTY)
    if known is None:
        known = self.__dict__[_IS_EMPTY] = _original_is_empty(self)
    return known


def check_mapping_validity(slot_name: str, mapping_type: Any, mapping: dict[str, Any], domain: Domain) -> bool:
    # Kept on the domain (its ``__hash__`` computes a fingerprint, too slow for a dictionary key):
    # a domain that is no longer used takes its answers with it.
    known_for_domain: dict[tuple, tuple[Any, bool]] = domain.__dict__.setdefault(_VALIDITY, {})
    key = (slot_name, mapping_type, id(mapping))
    known = known_for_domain.get(key)
    if known is None or known[0] is not mapping:  # an id may be reused by a new mapping
        known = known_for_domain[key] = (
            mapping, _original_check_mapping_validity(slot_name, mapping_type, mapping, domain))
    return known[1]


def patches() -> list[Patch]:
    from rasa.core.actions.action import ActionExtractSlots
    from rasa.core.processor import MessageProcessor

    return [
        Patch(Domain, "is_empty", is_empty, callers=(MessageProcessor._check_for_unseen_features,)),
        Patch(SlotMapping, "check_mapping_validity", staticmethod(check_mapping_validity),
              callers=(ActionExtractSlots.run,)),
    ]


def apply() -> None:
    apply_all(patches())
