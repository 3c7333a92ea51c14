"""Translated phrases for text that custom actions compose (``responses/phrases.yml``)."""
from __future__ import annotations

import functools
import logging
from pathlib import Path

import yaml

from bot.i18n.catalogs import lookup

logger = logging.getLogger(__name__)
PHRASES_PATH = Path(__file__).resolve().parents[2] / "responses" / "phrases.yml"


@functools.cache
def english() -> dict[str, str]:
    with open(PHRASES_PATH, encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle)["phrases"])


def phrase(language: str, key: str, **values: object) -> str:
    """The phrase ``key`` in ``language`` (English if untranslated), with ``values`` filled in."""
    source = english()[key]
    found = lookup(language, key, source)
    if not found.found:
        logger.warning("Missing translation of phrase %s in %r; using English.", key, language)
    return found.text.format(**values) if values else found.text
