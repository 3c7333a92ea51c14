"""Read and check every file of the help directory.

``load_directory`` never raises on bad data: it returns the directory built
from what was valid and a list of problems, each with file, line, column, what
is wrong and how to fix it. Callers decide: the CLI prints them and exits 1 on
an error, the action server keeps its last good directory.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phonenumbers
import yaml
from babel import Locale

from bot.directory import marked_yaml
from bot.directory.schema import (
    AGES,
    COUNTRIES,
    DEFAULT_NEED,
    GENDERS,
    GUIDANCE_KEYS,
    MINORS,
    RIGHTS_INTENTS,
    RIGHTS_MAX_CHARACTERS,
    ROLES,
    TOPICS,
    Country,
    Directory,
    Origin,
    Place,
    Right,
    Service,
)
from bot.language import load_config

STALE_AFTER = dt.timedelta(days=365)
_ID = re.compile(r"^[a-z]{2}-[a-z0-9][a-z0-9-]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_URL = re.compile(r"^https?://[^\s]+\.[^\s]+$")
SERVICE_FIELDS = (
    "id", "name", "description", "topics", "serves", "contact", "opening_hours", "languages", "anonymous",
    "free", "area", "source", "last_verified", "note", "known_as",
)
SERVES_FIELDS = ("roles", "ages", "genders")
CONTACT_FIELDS = ("phone", "sms", "email", "web", "address")
AREA_FIELDS = ("country", "counties", "municipalities")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    column: int
    level: str  # "error" or "warning"
    message: str
    hint: str = ""

    def __str__(self) -> str:
        hint = f" — {self.hint}" if self.hint else ""
        return f"{self.path}:{self.line}:{self.column}: {self.level}: {self.message}{hint}"


def shown_path(path: Path, root: Path) -> str:
    """How problems name ``path``: from the resources folder on (resources/services/NO/oslo.yml)."""
    return str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)


class _Checker:
    """Collects problems for one file."""

    def __init__(self, path: Path, root: Path, today: dt.date) -> None:
        self.path = path
        self.shown = shown_path(path, root)
        self.today = today
        self.problems: list[Problem] = []

    def add(self, where: Any, key: Any, level: str, message: str, hint: str = "") -> None:
        line, column = marked_yaml.mark(where, key)
        self.problems.append(Problem(self.shown, line, column, level, message, hint))

    def error(self, where: Any, key: Any, message: str, hint: str = "") -> None:
        self.add(where, key, "error", message, hint)

    def warning(self, where: Any, key: Any, message: str, hint: str = "") -> None:
        self.add(where, key, "warning", message, hint)

    def known_keys(self, where: dict, allowed: tuple[str, ...]) -> None:
        """A misspelt key (``opening_hour:``) would otherwise be dropped without a word."""
        for key in where:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(allowed)}"
                self.error(where, key, f"unknown field '{key}'", hint)

    # field readers -------------------------------------------------------
    def text(self, where: dict, key: str, required: bool = True) -> str | None:
        value = where.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(where, key, f"'{key}' is missing", f"add '{key}: …'")
            return None
        if not isinstance(value, str | int | float):
            self.error(where, key, f"'{key}' must be a text", "write it on one line after the colon")
            return None
        return str(value).strip()

    def strings(self, where: dict, key: str) -> tuple[str, ...]:
        value = where.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(where, key, f"'{key}' must be a list", f"write {key}: [a, b]")
            return ()
        return tuple(str(item).strip() for item in value if item is not None and str(item).strip())

    def choices(self, where: dict, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        values = self.strings(where, key)
        for index, value in enumerate(values):
            if value not in allowed:
                self.error(where.get(key), index, f"unknown {key[:-1] if key.endswith('s') else key} '{value}'",
                           f"use one of: {', '.join(allowed)}")
        return tuple(v for v in values if v in allowed)

    def date(self, where: dict, key: str) -> dt.date | None:
        value = where.get(key)
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, dt.date):
            self.error(where, key, f"'{key}' must be a date", f"write {key}: YYYY-MM-DD (the day you checked the source)")
            return None
        if value > self.today:
            self.error(where, key, f"'{key}' {value} is in the future", "use the day you checked the source")
        elif self.today - value > STALE_AFTER:
            self.warning(where, key, f"last checked {value}, more than 12 months ago",
                         "check the source again and update last_verified")
        return value

    def url(self, where: dict, key: str, required: bool) -> str | None:
        value = self.text(where, key, required)
        if value is not None and not _URL.match(value):
            self.error(where, key, f"'{value}' is not a web address", "write the full address, starting with https://")
            return None
        return value

    def translations(self, where: dict, key: str, country: str, limit: int | None = None) -> dict[str, str]:
        value = where.get(key)
        if not isinstance(value, dict):
            self.error(where, key, f"'{key}' must have one text per language",
                       f"write {key}: then indented lines like 'en: …' and '{COUNTRIES.get(country, 'nb')}: …'")
            return {}
        texts = {str(lang): str(text).strip() for lang, text in value.items() if text and str(text).strip()}
        for lang in texts:
            if lang not in load_config().all:
                self.error(value, lang, f"unknown language '{lang}'", f"use one of: {', '.join(load_config().all)}")
        required = {"en", COUNTRIES.get(country, "en")}
        for lang in sorted(required - set(texts)):
            self.error(where, key, f"'{key}' has no text in '{lang}'", f"add '{lang}: …' under {key}")
        for lang in sorted(set(load_config().tier1) - required - set(texts)):
            self.warning(where, key, f"'{key}' has no text in tier-1 language '{lang}'", f"add '{lang}: …' if you can")
        if limit:
            for lang, text in texts.items():
                if len(text) > limit:
                    self.error(value, lang, f"text is {len(text)} characters long, more than {limit}", "shorten it")
        return {lang: text for lang, text in texts.items() if lang in load_config().all}


def _read(path: Path, checker: _Checker) -> Any:
    """The file's data, or None with the reason added to ``checker`` (None also for an empty file)."""
    try:
        data = marked_yaml.load(path)
    except yaml.reader.ReaderError as error:
        line, column = _character_position(path, error.position)
        checker.problems.append(Problem(checker.shown, line, column, "error", f"character #x{error.character:04x}: "
                                        f"{error.reason}", "delete it (it often comes with text copied from a PDF)"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = getattr(error, "problem", None) or str(error)
        context, start = getattr(error, "context", None), getattr(error, "context_mark", None)
        if context and start and start.line + 1 != line:  # an unclosed quote fails far from where it opened
            problem = f"{problem} ({context} on line {start.line + 1})"
        hint = ("only plain text, lists and mappings are allowed: remove the '!…' tag"
                if isinstance(error, yaml.constructor.ConstructorError)
                else "check the indentation and quotes on this line and the one above")
        checker.problems.append(Problem(checker.shown, line, column, "error", f"YAML syntax: {problem}", hint))
    except UnicodeDecodeError:
        line, column, byte = _undecodable(path)
        checker.problems.append(Problem(checker.shown, line, column, "error", f"byte 0x{byte:02x} is not UTF-8 text",
                                        "save the file as UTF-8 (most editors have it under 'Save with encoding')"))
    except OSError as error:
        checker.problems.append(Problem(checker.shown, 1, 1, "error", f"cannot read the file: {error}", "save it as UTF-8"))
    else:
        _duplicate_keys(path, checker)
        return data
    return None


def _character_position(path: Path, position: int) -> tuple[int, int]:
    """(line, column) of the ``position``-th character, for PyYAML errors that only count characters."""
    try:
        before = path.read_text(encoding="utf-8")[:position]
    except (OSError, UnicodeDecodeError):
        return 1, 1
    return before.count("\n") + 1, position - before.rfind("\n")


def _undecodable(path: Path) -> tuple[int, int, int]:
    """(line, column, byte) of the first byte that is not UTF-8: a file saved as Latin-1 fails only there."""
    try:
        raw = path.read_bytes()
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return raw.count(b"\n", 0, error.start) + 1, error.start - raw.rfind(b"\n", 0, error.start), raw[error.start]
    except OSError:
        pass
    return 1, 1, 0


def _duplicate_keys(path: Path, check: _Checker) -> None:
    """PyYAML keeps the last of two equal keys without a word, so a field pasted twice (two
    ``phone:`` lines) would silently lose one. Composing again with libyaml costs milliseconds."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return  # the full parse above succeeded; this one has nothing to add
    stack, visited = ([node] if node is not None else []), set()
    while stack:
        node = stack.pop()
        if id(node) in visited:  # an alias points back at a node already seen
            continue
        visited.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value in first:
                    check.problems.append(Problem(
                        check.shown, key.start_mark.line + 1, key.start_mark.column + 1, "error",
                        f"'{key.value}' is written twice (first on line {first[key.value]})",
                        "keep one of them: otherwise the last one silently wins"))
                elif isinstance(key, yaml.ScalarNode):
                    first[key.value] = key.start_mark.line + 1
                stack.append(value)


# places --------------------------------------------------------------------
def _load_places(path: Path, check: _Checker, directory: Directory) -> None:
    data = _read(path, check)
    if data is None:
        return
    if not isinstance(data, dict):
        check.error(data, None, "a places file must be a mapping", "start with 'country: NO'")
        return
    country = check.text(data, "country")
    if country not in COUNTRIES:
        check.error(data, "country", f"unknown country '{country}'", f"use one of: {', '.join(COUNTRIES)}")
        return
    time_zone = check.text(data, "time_zone") or ""
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        check.error(data, "time_zone", f"unknown time zone '{time_zone}'", "write e.g. Europe/Oslo")
        time_zone = "UTC"
    counties: dict[str, Place] = {}
    for index, item in enumerate(data.get("counties") or []):
        place = _place(item, data["counties"], index, country, "county", check, counties, None)
        if place:
            counties[place.code] = place
    municipalities: dict[str, Place] = {}
    for index, item in enumerate(data.get("municipalities") or []):
        place = _place(item, data["municipalities"], index, country, "municipality", check, municipalities, counties)
        if place:
            municipalities[place.code] = place
    if not municipalities:
        check.error(data, "municipalities", "no municipalities", "list them under 'municipalities:'")
    directory.countries[country] = Country(country, time_zone, counties, municipalities)


def _place(item, parent, index, country, kind, check, seen, counties) -> Place | None:
    if not isinstance(item, dict):
        check.error(parent, index, f"a {kind} must be a mapping", "write '- code: \"0301\"' and 'name: …' below it")
        return None
    code = check.text(item, "code")
    name = check.text(item, "name")
    if code is None or name is None:
        return None
    if code in seen:
        check.error(item, "code", f"duplicate {kind} code '{code}'", "each code may appear once")
        return None
    county = None
    if counties is not None:
        county = check.text(item, "county")
        if county is not None and county not in counties:
            check.error(item, "county", f"unknown county '{county}'", "use a code listed under 'counties:'")
    return Place(country, code, name, kind, county, check.strings(item, "aliases"))


# services ------------------------------------------------------------------
def _valid_phone(number: str, country: str) -> bool:
    try:
        parsed = phonenumbers.parse(number, country)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) or phonenumbers.is_valid_short_number(parsed)


def _valid_hours(value: str) -> str | None:
    """None when ``value`` is valid OpenStreetMap opening_hours syntax, else the parser's complaint."""
    from opening_hours import OpeningHours

    try:
        OpeningHours(value)
    except Exception as error:  # noqa: BLE001 - the parser raises its own ParserError type
        return str(error).splitlines()[0]
    return None


def _load_services(path: Path, check: _Checker, directory: Directory, seen_ids: dict[str, str]) -> None:
    data = _read(path, check)
    if data is None:
        if not check.problems:  # a warning here; a running store refuses it if services were in it
            check.warning(None, None, "the file is empty", "add a 'services:' list, or delete the file")
        return
    country = path.parent.name
    items = data.get("services") if isinstance(data, dict) else None
    if not isinstance(items, list):
        check.error(data, "services", "no 'services:' list", "start the file with 'services:' and a list of entries")
        return
    if not items:
        check.warning(data, "services", "no services in this file", "add entries under 'services:', or delete the file")
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            check.error(items, index, "a service must be a mapping", "start it with '- id: …'")
            continue
        service = _service(item, country, check)
        if service is None:
            continue
        if service.id in seen_ids:
            check.error(item, "id", f"duplicate id '{service.id}' (also in {seen_ids[service.id]})", "give it a new id")
            continue
        seen_ids[service.id] = f"{check.shown}:{service.origin.line}"
        directory.services.append(service)


def _service(item: dict, country: str, check: _Checker) -> Service | None:
    errors_before = sum(p.level == "error" for p in check.problems)
    check.known_keys(item, SERVICE_FIELDS)
    service_id = check.text(item, "id") or ""
    if service_id and not _ID.match(service_id):
        check.error(item, "id", f"id '{service_id}' is not allowed", "use lower case letters, digits and '-', e.g. no-rosa")
    elif service_id and not service_id.startswith(country.lower() + "-"):
        check.error(item, "id", f"id '{service_id}' does not start with '{country.lower()}-'",
                    f"services in services/{country}/ have ids starting with '{country.lower()}-'")
    names = check.translations(item, "name", country)
    descriptions = check.translations(item, "description", country)
    topics = check.choices(item, "topics", TOPICS)
    if not topics and "topics" in item:
        pass
    elif not topics:
        check.error(item, "id", "no 'topics'", f"add topics: [...] with some of: {', '.join(TOPICS)}")
    serves = item.get("serves") or {}
    if not isinstance(serves, dict):
        check.error(item, "serves", "'serves' must be a mapping", "write roles:, ages: and genders: below it")
        serves = {}
    check.known_keys(serves, SERVES_FIELDS)
    roles = check.choices(serves, "roles", ROLES) or ROLES
    ages = check.choices(serves, "ages", AGES) or AGES
    genders = check.choices(serves, "genders", GENDERS) or GENDERS
    contact = item.get("contact") or {}
    if not isinstance(contact, dict):
        check.error(item, "contact", "'contact' must be a mapping", "write phone:, email:, web: below it")
        contact = {}
    check.known_keys(contact, CONTACT_FIELDS)
    phones = check.strings(contact, "phone")
    sms = check.strings(contact, "sms")
    for key, numbers in (("phone", phones), ("sms", sms)):
        for index, number in enumerate(numbers):
            if not _valid_phone(number, country):
                check.error(contact.get(key), index, f"'{number}' is not a valid phone number in {country}",
                            "write it as on the official page, e.g. 22 33 11 60, +45 70 20 25 50 or 112")
    emails = check.strings(contact, "email")
    for index, email in enumerate(emails):
        if not _EMAIL.match(email):
            check.error(contact.get("email"), index, f"'{email}' is not an e-mail address", "write name@example.org")
    web = check.url(contact, "web", required=False)
    address = check.text(contact, "address", required=False)
    if not (phones or sms or emails or web or address):
        check.error(item, "contact", "no way to reach this service", "add at least a phone number, e-mail or web address")
    hours = check.text(item, "opening_hours", required=False)
    if hours is not None:
        complaint = _valid_hours(hours)
        if complaint:
            check.error(item, "opening_hours", f"opening hours '{hours}' are not valid: {complaint}",
                        "use OpenStreetMap syntax, e.g. 'Mo-Fr 09:00-15:00' or '24/7'")
            hours = None
    languages = check.strings(item, "languages")
    for index, lang in enumerate(languages):
        try:
            Locale.parse(lang)
        except (ValueError, TypeError, Exception):  # noqa: BLE001 - babel raises several kinds
            check.error(item.get("languages"), index, f"unknown language code '{lang}'", "use ISO 639-1 codes such as nb, en, ro")
    flags = {}
    for key in ("anonymous", "free"):
        value = item.get(key)
        if value is not None and not isinstance(value, bool):
            check.error(item, key, f"'{key}' must be true or false", "or leave it out when unknown")
            value = None
        flags[key] = value
    known_as = check.strings(item, "known_as")
    area, codes = _area(item, country, check)
    source = check.url(item, "source", required=True)
    verified = check.date(item, "last_verified")
    if sum(p.level == "error" for p in check.problems) > errors_before or source is None or verified is None:
        return None
    line, _ = marked_yaml.mark(item, "id")
    return Service(
        id=service_id, country=country, names=names, descriptions=descriptions, topics=topics,
        roles=roles, ages=ages, genders=genders, phones=phones, sms=sms, emails=emails, web=web,
        address=address, opening_hours=hours, languages=languages, anonymous=flags["anonymous"],
        free=flags["free"], area=area, area_codes=codes, source=source, last_verified=verified,
        origin=Origin(check.shown, line), known_as=known_as,
    )


def _area(item: dict, country: str, check: _Checker) -> tuple[str, tuple[str, ...]]:
    area = item.get("area")
    if not isinstance(area, dict):
        check.error(item, "area", "'area' is missing", f"write area: then 'country: {country}', 'counties: [...]' or 'municipalities: [...]'")
        return "country", (country,)
    check.known_keys(area, AREA_FIELDS)
    kinds = [k for k in AREA_FIELDS if k in area]
    if len(kinds) != 1:
        check.error(item, "area", "'area' needs exactly one of country, counties, municipalities", "keep one of them")
        return "country", (country,)
    kind = kinds[0]
    if kind == "country":
        if str(area["country"]) != country:
            check.error(area, "country", f"area country '{area['country']}' but the file is in services/{country}/",
                        f"write country: {country} or move the file")
        return "country", (country,)
    return kind, check.strings(area, kind)


def _check_areas(directory: Directory, checks: dict[str, _Checker]) -> None:
    """Area codes can only be checked once every places file is read."""
    for service in list(directory.services):
        if service.area == "country":
            continue
        places = directory.countries.get(service.country)
        known = (places.counties if service.area == "counties" else places.municipalities) if places else {}
        unknown = [code for code in service.area_codes if code not in known]
        if unknown or not service.area_codes:
            check = checks[service.origin.path]
            check.problems.append(Problem(
                service.origin.path, service.origin.line, 1, "error",
                f"service '{service.id}': unknown {'county' if service.area == 'counties' else 'municipality'} "
                f"code(s) {', '.join(unknown) or '(none given)'} in area",
                f"use codes from places/{service.country}.yml, in quotes (\"0301\")",
            ))
            directory.services.remove(service)


# rights and guidance: sourced texts per country ----------------------------
def _load_texts(path: Path, check: _Checker, target: dict, section: str, keys: tuple[str, ...]) -> None:
    data = _read(path, check)
    if data is None and check.problems:
        return  # an empty file falls through: it lacks every entry, as 'rights: {}' does
    country = path.stem
    if not isinstance(data, dict) or not isinstance(data.get(section), dict):
        check.error(data, section, f"no '{section}:' mapping", f"start with '{section}:' and one entry per key (see resources/README.md)")
        return
    rights = data[section]
    for intent in keys:
        if intent not in rights:
            check.error(rights, None, f"'{intent}' is missing for {country}", f"add '{intent}:' with text, source and last_verified")
    for intent, entry in rights.items():
        if intent not in keys:
            check.error(rights, intent, f"unknown entry '{intent}'", f"use one of: {', '.join(keys)}")
            continue
        if not isinstance(entry, dict):
            check.error(rights, intent, "an entry must be a mapping", "write text:, source: and last_verified: below it")
            continue
        texts = check.translations(entry, "text", country, RIGHTS_MAX_CHARACTERS)
        source = check.url(entry, "source", required=True)
        verified = check.date(entry, "last_verified")
        if texts and source and verified:
            target[(country, intent)] = Right(country, intent, texts, check.text(entry, "legal_basis", False),
                                              source, verified)


def _load_topics(path: Path, check: _Checker, directory: Directory) -> None:
    data = _read(path, check)
    if not isinstance(data, dict):
        check.error(data, None, "topics.yml must map each topic to its names", "see resources/README.md")
        return
    for topic in TOPICS:
        labels = data.get(topic)
        if not isinstance(labels, dict):
            check.error(data, topic, f"topic '{topic}' has no names", f"add '{topic}:' with one name per language")
            continue
        for lang in load_config().tier1:
            if not labels.get(lang):
                check.error(labels, None, f"topic '{topic}' has no name in '{lang}'", f"add '{lang}: …'")
        for key in labels:
            if key not in load_config().all:
                check.error(labels, key, f"topic '{topic}': '{key}' is not a language code",
                            "a comma inside {…} starts a new entry: put the name in quotes")
        directory.topic_labels[topic] = {str(k): str(v) for k, v in labels.items()}
    for topic in data:
        if topic not in TOPICS:
            check.error(data, topic, f"unknown topic '{topic}'", f"use one of: {', '.join(TOPICS)}")


def _load_priority(path: Path, check: _Checker, directory: Directory) -> None:
    """``priority.yml``: per country, role and need, which services come first (resources/README.md)."""
    data = _read(path, check)
    if data is None:
        return
    if not isinstance(data, dict):
        check.error(data, None, "priority.yml must map each country to its roles", "start with 'NO:' (see the file's comment)")
        return
    services = {service.id: service for service in directory.services}
    keys = (DEFAULT_NEED, MINORS, *TOPICS)
    for country, roles in data.items():
        if country not in COUNTRIES or not isinstance(roles, dict):
            check.error(data, country, f"unknown country '{country}' or not a mapping of roles",
                        f"use one of: {', '.join(COUNTRIES)}, then 'victims:', 'helpers:', 'staff:'")
            continue
        for role, needs in roles.items():
            if role not in ROLES or not isinstance(needs, dict):
                check.error(roles, role, f"unknown role '{role}' or not a mapping of needs", f"use one of: {', '.join(ROLES)}")
                continue
            for need in needs:
                if need not in keys:
                    close = difflib.get_close_matches(str(need), keys, n=1)
                    check.error(needs, need, f"unknown need '{need}'",
                                f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(keys)}")
                    continue
                ids = check.strings(needs, need)
                valid = []
                for index, service_id in enumerate(ids):
                    service = services.get(service_id)
                    if service is None or service.country != country:
                        check.error(needs[need], index, f"'{service_id}' is not a service of {country}",
                                    f"use an id from services/{country}/")
                    elif role not in service.roles:
                        check.error(needs[need], index, f"'{service_id}' does not serve {role}",
                                    "add the role to its 'serves: roles:' or choose another service")
                    else:
                        valid.append(service_id)
                directory.priority[(country, role, need)] = tuple(valid)


# the whole folder ----------------------------------------------------------
def directory_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yml") if p.is_file())


def _load_exonyms(path: Path, check: _Checker, directory: Directory) -> None:
    """``places/exonyms/<lang>.yml``: how speakers of a language write Nordic places and countries.

    The forms become aliases of the place (so they are matched like any other
    name); a name that is not a municipality or county of the country is an error.
    """
    data = _read(path, check)
    if data is None:
        return
    if not isinstance(data, dict):
        check.error(data, None, "an exonyms file must be a mapping", "start with 'NO:' and 'Oslo: [...]' below it")
        return
    for country, names in data.items():
        if country == "countries":
            for code in (names or {}) if isinstance(names, dict) else ():
                if code not in COUNTRIES:
                    check.error(names, code, f"unknown country '{code}'", f"use one of: {', '.join(COUNTRIES)}")
                    continue
                forms = check.strings(names, code)
                directory.country_aliases[code] = (*directory.country_aliases.get(code, ()), *forms)
            continue
        places = directory.countries.get(str(country))
        if places is None or not isinstance(names, dict):
            check.error(data, country, f"unknown country '{country}' or not a mapping",
                        f"use one of: {', '.join(COUNTRIES)}, countries; then 'Oslo: [...]'")
            continue
        by_name = {p.name: (kind, p) for kind in ("counties", "municipalities") for p in getattr(places, kind).values()}
        for name in names:
            if name not in by_name:
                check.error(names, name, f"'{name}' is not a place of {country}", f"use the name as in places/{country}.yml")
                continue
            kind, place = by_name[name]
            forms = check.strings(names, name)
            getattr(places, kind)[place.code] = dataclasses.replace(place, aliases=(*place.aliases, *forms))


def load_directory(root: Path, today: dt.date | None = None) -> tuple[Directory, list[Problem]]:
    """Everything valid under ``root``, and every problem found."""
    today = today or dt.date.today()
    directory = Directory()
    checks: dict[str, _Checker] = {}

    def checker(path: Path) -> _Checker:
        check = _Checker(path, root, today)
        checks[check.shown] = check
        return check

    if not root.is_dir():
        return directory, [Problem(str(root), 1, 1, "error", "no such folder", "give the path of the resources folder")]
    topics = root / "topics.yml"
    if topics.exists():
        _load_topics(topics, checker(topics), directory)
    else:
        checks["topics"] = _Checker(topics, root, today)
        checks["topics"].error(None, None, "topics.yml is missing", "restore resources/topics.yml")
    for path in sorted((root / "places").glob("*.yml")):
        _load_places(path, checker(path), directory)
    for path in sorted((root / "places" / "exonyms").glob("*.yml")):
        _load_exonyms(path, checker(path), directory)
    seen_ids: dict[str, str] = {}
    for path in sorted((root / "services").glob("*/*.yml")):
        check = checker(path)
        if path.parent.name not in COUNTRIES:
            check.error(None, None, f"unknown country folder '{path.parent.name}'", f"use one of: {', '.join(COUNTRIES)}")
            continue
        _load_services(path, check, directory, seen_ids)
    for folder, target, keys in (("rights", directory.rights, RIGHTS_INTENTS),
                                 ("guidance", directory.guidance, GUIDANCE_KEYS)):
        for path in sorted((root / folder).glob("*.yml")):
            check = checker(path)
            if path.stem not in COUNTRIES:
                check.error(None, None, f"unknown country file '{path.name}'", "name it NO.yml, DK.yml or SE.yml")
                continue
            _load_texts(path, check, target, folder, keys)
    _check_areas(directory, checks)
    priority = root / "priority.yml"
    if priority.exists():  # after the services: it names them
        _load_priority(priority, checker(priority), directory)
    for country in COUNTRIES:
        if country not in directory.countries:
            check = checks.setdefault(f"places/{country}", _Checker(root / "places" / f"{country}.yml", root, today))
            check.error(None, None, f"no places for {country}", f"add places/{country}.yml")
    problems = [p for check in checks.values() for p in check.problems]
    return directory, sorted(problems, key=lambda p: (p.path, p.line, p.column))
