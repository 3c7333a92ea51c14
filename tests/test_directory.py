"""The help directory: validation with file:line, lookups with a fallback chain, places, hours, reload."""
import datetime as dt
import logging
import shutil
import time
import zoneinfo

import pytest

from bot import paths
from bot.directory import TOPICS, DirectoryStore, Finder, PlaceIndex, load_directory
from bot.directory.hours import local_now, openness

RESOURCES = paths.ROOT / "resources"


@pytest.fixture(scope="module")
def loaded():
    return load_directory(RESOURCES)


@pytest.fixture(scope="module")
def directory(loaded):
    return loaded[0]


@pytest.fixture(scope="module")
def finder(directory):
    return Finder(directory)


@pytest.fixture(scope="module")
def places(directory):
    return PlaceIndex(directory)


def test_shipped_data_has_no_errors(loaded):
    directory, problems = loaded
    errors = [str(p) for p in problems if p.level == "error"]
    assert not errors, "\n".join(errors[:20])


def test_all_municipalities_are_there(directory):
    counts = {code: len(country.municipalities) for code, country in directory.countries.items()}
    assert counts == {"NO": 357, "DK": 98, "SE": 290}


def test_rights_for_every_country_and_intent(directory):
    from bot.directory.schema import RIGHTS_INTENTS

    assert {(c, i) for c in ("NO", "DK", "SE") for i in RIGHTS_INTENTS} <= set(directory.rights)
    for right in directory.rights.values():
        assert right.source.startswith("http") and right.last_verified
        assert all(len(text) <= 700 for text in right.texts.values())


def test_every_municipality_gets_an_answer_for_every_need(directory, finder):
    now = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)
    empty = []
    for country in directory.countries.values():
        for code in country.municipalities:
            for need in TOPICS:
                answer = finder.find(country.code, need, code, now=now)
                if not (answer.first or answer.matches):
                    empty.append((country.code, code, need))
    assert not empty, empty[:10]


def test_local_services_come_first(finder, directory):
    oslo = finder.find("NO", "shelter", "0301")
    assert oslo.matches[0].level == "municipality"
    assert all(m.service.country == "NO" for m in oslo.matches)


def test_falls_back_to_the_country_where_there_is_no_local_offer(finder):
    answer = finder.find("NO", "shelter", "5001")  # Trondheim: no local shelter in the data
    assert answer.matches and {m.level for m in answer.matches} <= {"county", "country"}


def test_county_level_services_serve_their_municipalities(directory, finder):
    regional = [s for s in directory.services if s.area == "counties"]
    assert regional
    service = regional[0]
    country = directory.countries[service.country]
    municipality = next(m for m in country.municipalities.values() if m.county in service.area_codes)
    outside = next(m for m in country.municipalities.values() if m.county not in service.area_codes)
    topic = service.topics[0]
    assert service in [m.service for m in finder.find(service.country, topic, municipality.code, limit=50).matches]
    assert service not in [m.service for m in finder.find(service.country, topic, outside.code, limit=50).matches]


def test_urgent_needs_put_the_emergency_number_first(finder):
    answer = finder.find("SE", "shelter", "0180", urgent=True)
    assert answer.emergency and "112" in answer.emergency[0].service.phones


def test_minors_are_not_sent_to_adult_only_services(finder):
    answer = finder.find("NO", "helpline", "0301", minor=True, limit=20)
    assert all("minors" in m.service.ages for m in answer.matches)


@pytest.mark.parametrize(
    "text, country, name",
    [
        ("I'm in Bergen and need somewhere safe to sleep", "NO", "Bergen"),
        ("jeg bor i Tromsø", "NO", "Tromsø"),
        ("fra Tromso", "NO", "Tromsø"),
        ("w Oslo", "NO", "Oslo"),
        ("în Stavanger", "NO", "Stavanger"),
        ("we live near Copenhagen", "DK", "København"),
        ("jeg er i Århus", "DK", "Aarhus"),
        ("i Gøteborg", "SE", "Göteborg"),
        ("Gothenburg", "SE", "Göteborg"),
        ("jag bor i Stokholm", "SE", "Stockholm"),
        ("Bergens sentrum", "NO", "Bergen"),
        ("malmo", "SE", "Malmö"),
    ],
)
def test_places_in_free_text(places, text, country, name):
    found = places.recognise(text)
    assert found.place is not None, text
    assert (found.place.country, found.place.name) == (country, name)


def test_ordinary_words_are_not_places(places):
    assert places.recognise("I have no time to talk and my boss is a bad man at work").places == []


def test_a_named_country_outweighs_a_word_that_is_a_place_elsewhere(places):
    """After "which country?", every word may be a place: "are" folds to Åre (Sweden). A country named
    outright wins over such a bare word, not over a place written as such."""
    found = places.recognise("Denmark I think, the signs are in danish", expecting=True)
    assert (found.places, found.country) == ([], "DK")
    assert places.recognise("are", expecting=True).place.name == "Åre", "alone, it is an answer"
    assert places.recognise("Denmark, Malmö", expecting=True).place.name == "Malmö"
    assert places.recognise("Danmark, Tønder", expecting=True).place.name == "Tønder"


def test_same_name_in_two_counties_is_ambiguous(places):
    found = places.recognise("jeg bor i Herøy")
    assert found.ambiguous and {p.county for p in found.places} == {"15", "18"}


def test_country_names_in_any_language(places):
    assert places.recognise("we are in Sweden").country == "SE"
    assert places.recognise("jestem w Norwegii").country == "NO"
    assert places.recognise("i Danmark").country == "DK"


def test_opening_hours_in_the_place_time_zone():
    oslo = zoneinfo.ZoneInfo("Europe/Oslo")
    # 08:30 UTC on a Thursday in November is 09:30 in Oslo
    local = local_now("Europe/Oslo", dt.datetime(2026, 11, 26, 8, 30, tzinfo=dt.timezone.utc))
    assert local == dt.datetime(2026, 11, 26, 9, 30)
    state = openness("Mo-Fr 09:00-11:00,12:00-14:00", local)
    assert state.state == "open" and state.change == dt.datetime(2026, 11, 26, 11, 0)
    closed = openness("Mo-Fr 09:00-11:00,12:00-14:00", dt.datetime(2026, 11, 28, 10, 0, tzinfo=None))
    assert closed.state == "closed" and closed.change == dt.datetime(2026, 11, 30, 9, 0)
    assert openness("24/7", local).state == "always"
    assert openness(None, local).state == "unknown"
    assert oslo  # the zone exists on this machine


# broken copies: every problem is reported with its file and line ------------------------------

BROKEN_SERVICE = """services:
  - id: no-test-broken
    name: {en: Test, nb: Test}
    description: {en: Test service., nb: Testtjeneste.}
    topics: [shelter, sleeping]
    contact:
      phone: ["12 34"]
      web: not-a-url
    opening_hours: "Mo-Fx 09:00-15:00"
    area: {municipalities: ["9999"]}
    last_verified: 2026-11-26
  - id: no-rosa
    name: {en: Duplicate, nb: Duplikat}
    description: {en: A duplicate id., nb: En duplikat-id.}
    topics: [helpline]
    contact: {web: https://example.org}
    area: {country: NO}
    source: https://example.org
    last_verified: 2026-11-26
"""


@pytest.fixture
def broken(tmp_path):
    copy = tmp_path / "resources"
    shutil.copytree(RESOURCES, copy)
    (copy / "services" / "NO" / "broken.yml").write_text(BROKEN_SERVICE, encoding="utf-8")
    return copy


def test_broken_copy_names_file_line_and_fix(broken):
    _, problems = load_directory(broken)
    errors = {(p.path.split("/")[-1], p.line): p for p in problems if p.level == "error"}
    messages = {(f, line): str(p) for (f, line), p in errors.items()}
    text = "\n".join(messages.values())
    assert ("broken.yml", 5) in errors and "unknown topic 'sleeping'" in errors[("broken.yml", 5)].message
    assert ("broken.yml", 7) in errors and "not a valid phone number" in errors[("broken.yml", 7)].message
    assert ("broken.yml", 8) in errors and "not a web address" in errors[("broken.yml", 8)].message
    assert ("broken.yml", 9) in errors and "opening hours" in errors[("broken.yml", 9)].message
    assert "'source' is missing" in text
    assert "duplicate id 'no-rosa'" in text
    assert all(p.hint for p in errors.values()), "every error says how to fix it"


def test_yaml_syntax_error_has_a_line(tmp_path):
    copy = tmp_path / "resources"
    shutil.copytree(RESOURCES, copy)
    (copy / "services" / "NO" / "bad.yml").write_text("services:\n  - id: no-x\n    name: [unclosed\n", encoding="utf-8")
    _, problems = load_directory(copy)
    syntax = [p for p in problems if "YAML syntax" in p.message]
    assert syntax and syntax[0].path.endswith("bad.yml") and syntax[0].line >= 3


def test_old_last_verified_is_a_warning(tmp_path):
    _, problems = load_directory(RESOURCES, today=dt.date(2028, 1, 1))
    assert any(p.level == "warning" and "more than 12 months" in p.message for p in problems)


# reloading --------------------------------------------------------------------------------------

def test_store_reloads_good_edits_and_keeps_data_on_bad_ones(tmp_path, caplog):
    copy = tmp_path / "resources"
    shutil.copytree(RESOURCES, copy)
    store = DirectoryStore(copy, poll_seconds=0.05)
    before = len(store.snapshot.directory.services)
    extra = copy / "services" / "NO" / "extra.yml"
    extra.write_text(BROKEN_SERVICE.split("  - id: no-rosa")[0].replace("no-test-broken", "no-test-ok")
                     .replace("[shelter, sleeping]", "[shelter]").replace('["12 34"]', '["22 33 11 60"]')
                     .replace("not-a-url", "https://example.org").replace("Mo-Fx", "Mo-Fr")
                     .replace('["9999"]', '["0301"]').replace("    last_verified", "    source: https://example.org\n    last_verified"),
                     encoding="utf-8")
    store.start()
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(store.snapshot.directory.services) == before:
            time.sleep(0.05)
        assert len(store.snapshot.directory.services) == before + 1, "a good edit is in service within 5 s"
        version = store.snapshot.version
        with caplog.at_level(logging.ERROR, logger="bot.directory.store"):
            extra.write_text(BROKEN_SERVICE, encoding="utf-8")
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not any("extra.yml:5" in r.getMessage() for r in caplog.records):
                time.sleep(0.05)
        assert store.snapshot.version == version, "a broken edit is refused"
        assert len(store.snapshot.directory.services) == before + 1, "the last good data stays in service"
        assert any("extra.yml:5" in r.getMessage() and "unknown topic" in r.getMessage() for r in caplog.records)
    finally:
        store.stop()


def test_guidance_for_every_country(directory):
    from bot.directory.schema import GUIDANCE_KEYS

    missing = [(c, k) for c in ("NO", "DK", "SE") for k in GUIDANCE_KEYS if (c, k) not in directory.guidance]
    assert not missing, missing


def test_rules_are_generated_from_answers():
    from bot.dialogue_rules import RULES, render

    assert RULES.read_text(encoding="utf-8") == render(), "dialogue/rules.yml is stale: run `veiviser rules`"
