"""Ask once per domain what only depends on the domain.

Rasa's message processor checks ``Domain.is_empty()`` for every message, and
the check serialises the whole domain (all responses and forms) and builds an
empty domain to compare it with; and before every turn it checks every slot
mapping against the domain's intents and entities
(``SlotMapping.check_mapping_validity``). A loaded domain does not change
while the server runs, so both answers are kept. (An invalid mapping's
warning is then given once, not at every message.)
"""
from __future__ import annotations

from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.slot_mappings import SlotMapping

_original_is_empty = Domain.is_empty
_original_check_mapping_validity = SlotMapping.check_mapping_validity
_validity: dict[tuple, tuple[Any, Domain, bool]] = {}


def is_empty(self: Domain) -> bool:
    known = self.__dict__.get("_veiviser_is_empty")
    if known is None:
        known = self.__dict__["_veiviser_is_empty"] = _original_is_empty(self)
    return known


def check_mapping_validity(slot_name: str, mapping_type: Any, mapping: dict[str, Any], domain: Domain) -> bool:
    key = (slot_name, mapping_type, id(mapping), id(domain))
    known = _validity.get(key)
    if known is None or known[0] is not mapping or known[1] is not domain:  # ids may be reused by new objects
        known = _validity[key] = (mapping, domain,
                                  _original_check_mapping_validity(slot_name, mapping_type, mapping, domain))
    return known[2]


def apply() -> None:
    Domain.is_empty = is_empty
    SlotMapping.check_mapping_validity = staticmethod(check_mapping_validity)
