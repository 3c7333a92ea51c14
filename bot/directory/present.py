"""Turn a lookup into what the user reads, in their language.

Every sentence comes from ``responses/phrases.yml`` through the catalogues;
names, descriptions and rights texts come from the directory in the user's
language (English when a text is missing); times, dates, weekdays and lists
are formatted by Babel for the user's locale.
"""
from __future__ import annotations

import datetime as dt
import re

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list

from bot.directory.lookup import LEVELS, Answer, Match, level_for
from bot.directory.schema import Directory, Place, Right, Service
from bot.i18n import phrase
from bot.i18n.resources import service_context, text_context, topic_context, translated


def localised(texts: dict[str, str], language: str, context: str) -> str:
    """The text in ``language`` (inline or from the resources catalogue), else English."""
    return translated(texts, language, context)[0]


def country_name(country: str, language: str) -> str:
    return Locale.parse(language).territories.get(country, country)


def place_name(place: Place | None, directory: Directory) -> str:
    if place is None:
        return ""
    if place.kind == "municipality" and place.county:
        county = directory.countries[place.country].counties.get(place.county)
        duplicates = sum(
            1 for p in directory.countries[place.country].municipalities.values() if p.name == place.name
        )
        if county and duplicates > 1:
            return f"{place.name} ({county.name})"
    return place.name


def when(change: dt.datetime, now_local: dt.datetime, language: str) -> str:
    if change.date() == now_local.date():
        return format_time(change, format="short", locale=language)
    return format_skeleton("EEEEHm", change, locale=language)


def hours_line(match: Match, now_local: dt.datetime, language: str) -> str | None:
    state, change = match.openness.state, match.openness.change
    if state == "always":
        return phrase(language, "open_always")
    if state == "open":
        if change:
            return phrase(language, "open_until", time=when(change, now_local, language))
        return phrase(language, "open_now")
    if state == "closed":
        if change:
            return phrase(language, "closed_opens", when=when(change, now_local, language))
        return phrase(language, "closed")
    # hours not in the data: point to the website, where there is one
    return phrase(language, "hours_unknown") if match.service.web else None


def name_line(service: Service, language: str) -> str:
    """A card's first line: the service's name in the user's language."""
    return f"• {localised(service.names, language, service_context(service.id, 'name'))}"


def contact_lines(service: Service, language: str, everything: bool = False) -> list[str]:
    """How to reach a service: its numbers, else its e-mail and website (``everything``: all of them)."""
    lines = []
    if service.phones:
        lines.append(phrase(language, "phone", numbers=format_list(list(service.phones), style="or", locale=language)))
    if service.sms:
        lines.append(phrase(language, "sms", numbers=format_list(list(service.sms), style="or", locale=language)))
    if everything or not service.phones:
        if service.emails:
            lines.append(phrase(language, "email", addresses=format_list(list(service.emails), style="or", locale=language)))
        if service.web:
            lines.append(phrase(language, "web", url=service.web))
    return lines


def short_card(match: Match, language: str, now_local: dt.datetime) -> str:
    """A contact in the first screen: its name, how to reach it and whether it is open — nothing more."""
    service = match.service
    lines = [name_line(service, language)]
    lines += contact_lines(service, language)
    if match.openness.state != "unknown":
        lines.append(hours_line(match, now_local, language))
    return "\n".join(line for line in lines if line)


def service_card(match: Match, language: str, now_local: dt.datetime) -> str:
    """Everything the directory knows about a service, with where it was checked (one tap from the first screen)."""
    service = match.service
    description, in_language = translated(service.descriptions, language, service_context(service.id, "description"))
    lines = [name_line(service, language)]
    if not in_language:
        lines.append(phrase(language, "in_english_only"))
    lines.append(description)
    lines += contact_lines(service, language, everything=True)
    if service.address:
        lines.append(phrase(language, "address", address=service.address))
    lines.append(hours_line(match, now_local, language))
    if service.anonymous:
        lines.append(phrase(language, "anonymous"))
    if service.free:
        lines.append(phrase(language, "free"))
    if service.languages:
        names = [Locale.parse(language).languages.get(code, code) for code in service.languages]
        lines.append(phrase(language, "languages", languages=format_list(names, locale=language)))
    lines.append(phrase(language, "rights_source", url=service.source,
                        date=format_date(service.last_verified, format="long", locale=language)))
    return "\n".join(line for line in lines if line)


def named_services(text: str, directory: Directory, country: str, shown: str = "",
                   place: Place | None = None, county: Place | None = None) -> list[Service]:
    """The services of ``country`` that ``text`` names (their ``known_as``) and whose contact ``shown`` lacks.

    For each name, the service nearest to the person's place that answers to it
    ("socialjouren": the town's own out-of-hours line where it has one, else
    the national entry); services that do not serve the place are left out.
    """
    nearest: dict[str, tuple[int, Service]] = {}
    for service in directory.services:
        if service.country != country or not service.known_as:
            continue
        level = level_for(service, place, county)
        if level is None:
            continue
        for name in service.known_as:
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                rank = LEVELS.index(level)
                if name not in nearest or rank < nearest[name][0]:
                    nearest[name] = (rank, service)
    named = list({service.id: service for _, service in nearest.values()}.values())
    return [s for s in named if not any(mark in shown for mark in contact_marks(s))]


def contact_marks(service: Service) -> tuple[str, ...]:
    """What shows a service's contact in a text: its numbers, else its web address or e-mail."""
    return service.phones or ((service.web,) if service.web else service.emails)


def with_named_contacts(text: str, directory: Directory, country: str, language: str,
                        place: Place | None = None, county: Place | None = None) -> str:
    """``text``, followed by the contact of each service it names but does not give a number for.

    "Call CMM's hotline" without CMM's number sends a person looking for it on a
    phone someone else may check; every answer carries the contacts it names.
    """
    named = named_services(text, directory, country, shown=text, place=place, county=county)
    if not named:
        return text
    cards = ["\n".join([name_line(s, language), *contact_lines(s, language)]) for s in named]
    return "\n\n".join([text, *cards])


def _intro(answer: Answer, directory: Directory, language: str) -> str:
    """What the services below are: local, of the county, or of the whole country (naming the user's place)."""
    need = localised(directory.topic_labels.get(answer.need) or {"en": answer.need}, language, topic_context(answer.need))
    country = country_name(answer.country, language)
    place = place_name(answer.place or answer.county, directory)
    if answer.fallback:
        return phrase(language, "intro_fallback", need=need)
    if answer.best_level == "municipality" or (answer.best_level == "county" and answer.place is None):
        return phrase(language, "intro_local", need=need, place=place)
    if answer.best_level == "county" and answer.county is not None:
        return phrase(language, "intro_county", place=place, county=answer.county.name)
    if place:
        return phrase(language, "intro_country_for_place", place=place, country=country)
    return phrase(language, "intro_country", need=need, country=country)


def answer_text(answer: Answer, directory: Directory, language: str, now_local: dt.datetime) -> str:
    """The first screen of an answer: the emergency number when urgent, the first contact, the need's best local service.

    Short on purpose (read on a phone someone else may check): each contact is a
    name, a number and whether it is open now. The rest — other services, what
    a service offers, sources — is one tap away (``more_text``, ``service_card``).
    """
    parts: list[str] = []
    if answer.emergency:
        parts += [phrase(language, "intro_urgent"), short_card(answer.emergency[0], language, now_local)]
    if answer.first is not None:
        parts += [phrase(language, "intro_first"), short_card(answer.first, language, now_local)]
    for match in first_screen_matches(answer):
        parts += [_intro(answer, directory, language), short_card(match, language, now_local)]
    if answer.place is None and answer.county is None:
        parts.append(phrase(language, "place_unknown_hint"))
    return "\n\n".join(parts)


def more_text(answer: Answer, directory: Directory, language: str, now_local: dt.datetime) -> str:
    """Every service found, in full, with sources: what "Other places near me" shows."""
    parts = [_intro(answer, directory, language)] if answer.matches else []
    parts += [service_card(m, language, now_local) for m in answer.matches]
    if answer.first is not None:
        parts += [phrase(language, "intro_first"), service_card(answer.first, language, now_local)]
    return "\n\n".join(parts)


def first_screen_matches(answer: Answer) -> list[Match]:
    """The need's own service in the first screen: the best one — unless no place is known, it is only
    another national service and the first contact offers this help itself (then it is a tap away,
    "Other places near me"). With a place, the answer always says what there is for it."""
    if not answer.matches:
        return []
    first = answer.first
    if (first is not None and answer.place is None and answer.county is None
            and answer.matches[0].level == "country" and answer.need in first.service.topics):
        return []
    return answer.matches[:1]


def has_more(answer: Answer) -> bool:
    """Whether "Other places near me" would show more than the first screen did."""
    return len(answer.matches) > len(first_screen_matches(answer))


def rights_text(right: Right, language: str) -> str:
    return sourced_text(right, language, phrase(language, "rights_intro", country=country_name(right.country, language)))


def sourced_text(right: Right, language: str, intro: str) -> str:
    """A rights or guidance text with its legal basis and source, under ``intro``."""
    parts = [intro]
    text, in_language = translated(right.texts, language, text_context(right.country, right.intent))
    if not in_language:
        parts.append(phrase(language, "in_english_only"))
    parts.append(text)
    if right.legal_basis:
        parts.append(phrase(language, "rights_basis", basis=right.legal_basis))
    parts.append(phrase(language, "rights_source", url=right.source,
                        date=format_date(right.last_verified, format="long", locale=language)))
    return "\n\n".join(parts)
