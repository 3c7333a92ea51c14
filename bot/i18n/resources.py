"""Translations of the help directory's texts for languages not written inline.

Tier-1 languages are written beside the facts in ``resources/`` (``en:``,
``nb:``, …). Every other language gets the directory's texts from the gettext
catalogue ``locales/<lang>/LC_MESSAGES/resources.po``, keyed by a context
(which entry and field) *and the English text*: when a coordinator changes the
English text, the old translation no longer matches and the English text is
shown with a line saying so, so an out-of-date translation can never state an
out-of-date fact. ``make messages`` extracts the texts (``extract_resources``).

What victims never read is not extracted: guidance for professionals and
services that serve staff only.
"""
from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

import yaml

from bot.i18n.catalogs import lookup

DOMAIN = "resources"
STAFF_GUIDANCE_PREFIXES = ("duty_to_report", "indicators_", "training")


def text_context(country: str, key: str) -> str:
    """A rights text (key = rights intent) or guidance text (key = guidance key) of ``country``."""
    return f"text {country} {key}"


def service_context(service_id: str, field: str) -> str:
    """A service's ``name`` or ``description``."""
    return f"{field} {service_id}"


def topic_context(topic: str) -> str:
    return f"topic {topic}"


def translated(texts: Mapping[str, str], language: str, context: str) -> tuple[str, bool]:
    """(text, whether it is in ``language``): inline first, then the catalogue, else English."""
    inline = texts.get(language)
    if inline:
        return inline, True
    english = texts.get("en") or next(iter(texts.values()), "")
    found = lookup(language, context, english, DOMAIN) if english else None
    if found is not None and found.found:
        return found.text, True
    return english, language == "en"


def _staff_only(entry: Mapping[str, Any]) -> bool:
    roles = (entry.get("serves") or {}).get("roles") or ()
    return bool(roles) and set(roles) == {"staff"}


def iter_resource_messages(data: Any) -> Iterator[tuple[str, str, list[str]]]:
    """(context, English text, comments) for every text a non-tier-1 user may read."""
    if not isinstance(data, dict):
        return
    country = data.get("country")
    for section in ("rights", "guidance"):
        for key, entry in (data.get(section) or {}).items():
            if section == "guidance" and str(key).startswith(STAFF_GUIDANCE_PREFIXES):
                continue
            english = ((entry or {}).get("text") or {}).get("en")
            if english:
                yield text_context(str(country), str(key)), english, [section]
    for service in data.get("services") or ():
        if not isinstance(service, dict) or _staff_only(service):
            continue
        for field, source in (("name", "name"), ("description", "description")):
            english = (service.get(source) or {}).get("en")
            if english:
                yield service_context(str(service.get("id")), field), english, ["service"]
    if not {"country", "rights", "guidance", "services"} & set(data):
        for topic, labels in data.items():  # resources/topics.yml
            if isinstance(labels, dict) and labels.get("en"):
                yield topic_context(str(topic)), labels["en"], ["topic"]


def extract_resources(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, list[str], list[str]]]:
    """A pybabel extractor (``babel-resources.cfg``); line numbers are not kept, contexts name the entry."""
    for context, english, comments in iter_resource_messages(yaml.safe_load(fileobj.read().decode("utf-8"))):
        yield 0, "pgettext", [context, english], comments
