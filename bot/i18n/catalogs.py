"""Look up a response's translation in the compiled gettext catalogues.

Catalogues are ``locales/<lang>/LC_MESSAGES/responses.mo`` (``VEIVISER_LOCALES`` moves
the folder: ``bot.paths.locales``), compiled from the ``.po`` files by ``make setup``. A lookup says whether a translation was found,
so the caller can decide what a missing one means.
"""
from __future__ import annotations

import functools
import gettext
import logging
from dataclasses import dataclass

from bot import paths

logger = logging.getLogger(__name__)

DOMAIN = "responses"
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class Lookup:
    text: str
    found: bool


@functools.cache
def _catalogue(language: str, domain: str) -> gettext.GNUTranslations | None:
    path = paths.locales() / language / "LC_MESSAGES" / f"{domain}.mo"
    try:
        with open(path, "rb") as handle:
            return gettext.GNUTranslations(handle)
    except OSError:
        logger.error("No compiled catalogue for language %r at %s (run `make setup`).", language, path)
        return None


def lookup(language: str, context: str, english: str, domain: str = DOMAIN) -> Lookup:
    """The translation of ``english`` (in response or phrase ``context``) into ``language``.

    ``domain`` names the catalogue: ``responses`` (Rasa's answers and the
    actions' phrases) or ``gateway`` (the Telegram gateway's own texts).
    """
    if language == SOURCE_LANGUAGE:
        return Lookup(english, True)
    catalogue = _catalogue(language, domain)
    if catalogue is None:
        return Lookup(english, False)
    translated = catalogue._catalog.get(f"{context}\x04{english}")  # noqa: SLF001 - gettext has no "has" API
    if not translated:
        return Lookup(english, False)
    return Lookup(translated, True)


def reload() -> None:
    """Forget loaded catalogues (after `make messages` in a running process, and in tests)."""
    _catalogue.cache_clear()
