"""Find the services for a need in a place: municipality, then county, then country.

Pure Python over the loaded directory, no network: an index per country and
topic is built once per directory version, so a lookup is a filter and a sort.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.directory.hours import Openness, local_now, openness
from bot.directory.schema import DEFAULT_NEED, MINORS, Directory, Place, Service

LEVELS = ("municipality", "county", "country")
FALLBACK_TOPIC = "helpline"
EMERGENCY_TOPIC = "emergency"
_OPEN_RANK = {"always": 0, "open": 0, "unknown": 1, "closed": 2}


@dataclass(frozen=True)
class Match:
    service: Service
    level: str
    openness: Openness


@dataclass
class Answer:
    country: str
    need: str
    place: Place | None
    county: Place | None
    matches: list[Match] = field(default_factory=list)
    emergency: list[Match] = field(default_factory=list)  # shown first when the need is urgent
    fallback: bool = False  # no service for the need itself; these can guide
    first: Match | None = None  # the one contact that matters most now (resources/priority.yml)

    @property
    def best_level(self) -> str | None:
        return self.matches[0].level if self.matches else None


class Finder:
    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self._by_topic: dict[tuple[str, str], list[Service]] = {}
        self._order = {service.id: index for index, service in enumerate(directory.services)}
        self._by_id = {service.id: service for service in directory.services}
        for service in directory.services:
            for topic in service.topics:
                self._by_topic.setdefault((service.country, topic), []).append(service)

    def topics(self, country: str) -> set[str]:
        return {topic for (c, topic) in self._by_topic if c == country}

    def find(
        self,
        country: str,
        need: str,
        municipality: str | None = None,
        role: str = "victims",
        minor: bool = False,
        urgent: bool = False,
        now: dt.datetime | None = None,
        limit: int = 3,
    ) -> Answer:
        data = self.directory.countries[country]
        place, county = self.directory.municipality_and_county(country, municipality)
        local = local_now(data.time_zone, now)
        answer = Answer(country, need, place, county)
        answer.matches = self._ranked(country, need, place, county, role, minor, local)
        if not answer.matches and need != FALLBACK_TOPIC:
            answer.fallback = True
            answer.matches = self._ranked(country, FALLBACK_TOPIC, place, county, role, minor, local)
        if need != EMERGENCY_TOPIC:
            answer.first = self._first(country, need, place, county, role, minor, local)
        if answer.first is not None:
            answer.matches = [m for m in answer.matches if m.service.id != answer.first.service.id]
        answer.matches = answer.matches[:limit]
        if urgent or need == EMERGENCY_TOPIC:
            answer.emergency = self._ranked(country, EMERGENCY_TOPIC, place, county, role, minor, local)
            if need == EMERGENCY_TOPIC:
                answer.matches, answer.emergency = answer.emergency[:limit], []
        return answer

    def _first(self, country, need, place, county, role, minor, local) -> Match | None:
        """The first service of priority.yml's lists (minors, the need, the default) that covers the place."""
        priority = self.directory.priority
        keys = ([MINORS] if minor else []) + [need, DEFAULT_NEED]
        for key in keys:
            ids = priority.get((country, role, key))
            if ids is None:
                continue  # no list for this need: the next one decides
            for service_id in ids:
                service = self._by_id.get(service_id)
                level = level_for(service, place, county) if service else None
                if level is not None:
                    return Match(service, level, openness(service.opening_hours, local))
            if key != MINORS:
                return None  # the need's own (or the default) list decides, also when it is empty
        return None

    def _ranked(self, country, topic, place, county, role, minor, local) -> list[Match]:
        matches = []
        for service in self._by_topic.get((country, topic), ()):
            level = level_for(service, place, county)
            if level is not None:
                matches.append(Match(service, level, openness(service.opening_hours, local)))
        suitable = [m for m in matches if ("minors" if minor else "adults") in m.service.ages]
        matches = suitable or matches
        return sorted(
            matches,
            key=lambda m: (
                LEVELS.index(m.level),
                role not in m.service.roles,
                _OPEN_RANK[m.openness.state],
                self._order[m.service.id],  # then the coordinators' order in the files
            ),
        )


def level_for(service: Service, place: Place | None, county: Place | None) -> str | None:
    """How near ``service`` is to a person in ``place`` (in ``county``): municipality, county, country, or None."""
    if service.area == "country":
        return "country"
    if service.area == "municipalities" and place is not None and place.code in service.area_codes:
        return "municipality"
    if service.area == "counties" and county is not None and county.code in service.area_codes:
        return "county"
    return None
