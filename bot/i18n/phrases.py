"""Translated phrases for text that code composes: ``responses/phrases.yml`` and the like.

A phrasebook is a YAML file with a ``phrases:`` mapping (key -> English text
with ``{placeholders}``); its translations are in a gettext catalogue whose
msgctxt is the key. The actions use ``responses/phrases.yml`` (catalogue
``responses``); the Telegram gateway has its own phrasebook and catalogue.
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path

import yaml

from bot import paths
from bot.i18n.catalogs import DOMAIN, lookup

logger = logging.getLogger(__name__)


class Phrasebook:
    def __init__(self, path: Path, domain: str = DOMAIN) -> None:
        self.path = path
        self.domain = domain

    @functools.cached_property
    def english(self) -> dict[str, str]:
        with open(self.path, encoding="utf-8") as handle:
            return dict(yaml.safe_load(handle)["phrases"])

    def __call__(self, language: str, key: str, **values: object) -> str:
        """The phrase ``key`` in ``language`` (English if untranslated), with ``values`` filled in."""
        source = self.english[key]
        found = lookup(language, key, source, self.domain)
        if not found.found:
            logger.warning("Missing translation of phrase %s in %r; using English.", key, language)
        return found.text.format(**values) if values else found.text


phrase = Phrasebook(paths.PHRASES)
