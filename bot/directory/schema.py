"""The help directory's records and the vocabulary their fields may use."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

COUNTRIES = {"NO": "nb", "DK": "da", "SE": "sv"}  # country -> its language
TOPICS = (
    "emergency", "helpline", "shelter", "health", "legal_aid", "interpreter", "basic_needs",
    "return_home", "police_report", "anonymous_tip", "labour_inspection", "child_protection",
    "staff_guidance", "compensation", "immigration",
)
ROLES = ("victims", "helpers", "staff")
AGES = ("adults", "minors")
GENDERS = ("women", "men")
RIGHTS_INTENTS = (
    "rights_overview", "rights_reflection_period", "rights_residence", "rights_non_punishment",
    "rights_wages", "rights_documents", "rights_debt", "rights_testify", "rights_compensation",
    "rights_children",
)
RIGHTS_MAX_CHARACTERS = 700
DEFAULT_NEED = "default"  # priority.yml: the first contact for every need without its own list
MINORS = "minors"  # priority.yml: the first contact for a person under 18, before all others
EXPLOITATION_FORMS = ("sexual", "labour", "begging", "criminal", "organ_removal", "forced_marriage")
GUIDANCE_KEYS = (
    "duty_to_report", *(f"indicators_{form}" for form in EXPLOITATION_FORMS), "training",
    "report_police", "report_anonymous", "report_labour_inspection", "after_report",
)


@dataclass(frozen=True)
class Origin:
    path: str
    line: int


@dataclass(frozen=True)
class Place:
    country: str
    code: str
    name: str
    kind: str  # "municipality" or "county"
    county: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Country:
    code: str
    time_zone: str
    counties: dict[str, Place]
    municipalities: dict[str, Place]


@dataclass(frozen=True)
class Service:
    id: str
    country: str
    names: dict[str, str]
    descriptions: dict[str, str]
    topics: tuple[str, ...]
    roles: tuple[str, ...]
    ages: tuple[str, ...]
    genders: tuple[str, ...]
    phones: tuple[str, ...]
    sms: tuple[str, ...]
    emails: tuple[str, ...]
    web: str | None
    address: str | None
    opening_hours: str | None
    languages: tuple[str, ...]
    anonymous: bool | None
    free: bool | None
    area: str  # "country", "counties" or "municipalities"
    area_codes: tuple[str, ...]
    source: str
    last_verified: dt.date
    origin: Origin
    known_as: tuple[str, ...] = ()  # how texts name it ("ROSA", "socialjouren"): an answer naming it shows its contact


@dataclass(frozen=True)
class Right:
    country: str
    intent: str
    texts: dict[str, str]
    legal_basis: str | None
    source: str
    last_verified: dt.date


@dataclass
class Directory:
    countries: dict[str, Country] = field(default_factory=dict)
    services: list[Service] = field(default_factory=list)
    rights: dict[tuple[str, str], Right] = field(default_factory=dict)
    guidance: dict[tuple[str, str], Right] = field(default_factory=dict)  # same shape as rights
    topic_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    country_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # places/exonyms: "Норвегии"
    # priority.yml: (country, role, need or DEFAULT_NEED or MINORS) -> service ids, first contact first
    priority: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)

    def municipality_and_county(self, country: str, code: str | None) -> tuple[Place | None, Place | None]:
        """(municipality, its county) for a municipality code; (None, county) for a county code."""
        data = self.countries[country]
        municipality = data.municipalities.get(code) if code else None
        if municipality is None:
            return None, data.counties.get(code) if code else None
        return municipality, data.counties.get(municipality.county) if municipality.county else None

    def place(self, country: str, code: str) -> Place | None:
        data = self.countries.get(country)
        if data is None:
            return None
        return data.municipalities.get(code) or data.counties.get(code)
