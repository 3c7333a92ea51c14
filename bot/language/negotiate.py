"""Turn a client's language code (``nb``, ``no``, ``en-GB``, ``pt_br``) into a shipped language."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from babel import Locale, negotiate_locale
from babel.core import UnknownLocaleError

from bot.language.supported import load_config

_CODE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")


def negotiate(code: object, available: Iterable[str] | None = None) -> str | None:
    """Return the shipped language that best serves ``code``, or None.

    Accepts ``-`` and ``_`` as separators and any case. Garbage (``xx-!!``,
    empty, not a string) and languages we do not ship give None, so the caller
    falls back to the next source of truth.
    """
    if not isinstance(code, str):
        return None
    return _negotiate(code, tuple(available) if available else load_config().shipped)


@functools.lru_cache(maxsize=1024)  # asked for every answer; clients send a handful of codes
def _negotiate(code: str, available: tuple[str, ...]) -> str | None:
    if not _CODE.match(code.strip()):
        return None
    config = load_config()
    try:
        locale = Locale.parse(code.strip().replace("-", "_"))
    except (ValueError, UnknownLocaleError, TypeError):
        return None
    candidates = [str(locale), locale.language]
    return negotiate_locale(candidates, available, sep="_", aliases=config.aliases)
