"""Every shipped language has what its tier must have (bot/languages.yml, `must_have`).

One check per item, each run for every shipped language of a tier that names
it; the item names are the contract between bot/languages.yml and this file.
"""
import pytest
import yaml
from babel.messages.pofile import read_po

from bot import paths
from bot.language import load_config

CONFIG = load_config()
LOCALES = paths.ROOT / "locales"
KINDS = ("violence", "someone_else", "confinement", "child", "weapon", "medical", "moved_or_sold", "self_harm")
# Capitals and the ten largest municipalities or more (Statistics Norway, Denmark, Sweden, 2024).
LARGEST = {
    "NO": ("Oslo", "Bergen", "Trondheim", "Stavanger", "Bærum", "Kristiansand", "Drammen", "Asker", "Lillestrøm", "Fredrikstad"),
    "DK": ("København", "Aarhus", "Odense", "Aalborg", "Frederiksberg", "Vejle", "Esbjerg", "Randers", "Horsens", "Kolding"),
    "SE": ("Stockholm", "Göteborg", "Malmö", "Uppsala", "Linköping", "Örebro", "Västerås", "Helsingborg", "Norrköping", "Jönköping"),
}
CASES = [(code, item) for code in CONFIG.shipped for item in CONFIG.must_have[CONFIG.tier(code)]]


def catalogue(code, domain):
    with open(LOCALES / code / "LC_MESSAGES" / f"{domain}.po", "rb") as handle:
        return {(m.context, m.id): m for m in read_po(handle) if m.id}


def translated(entries):
    return [key for key, m in entries.items() if m.string and not m.fuzzy]


def nlu_intents(code):
    found = {}
    for path in (paths.NLU_DATA / code).glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            found[block["intent"]] = len([x for x in block["examples"].splitlines() if x.strip()])
    return found


def check_nlu_every_intent(code):
    assert len(nlu_intents(code)) >= 47


def check_nlu_victim_intents(code):
    trained = nlu_intents(code)
    english = {i for i in nlu_intents("en") if not i.startswith("staff_")}
    assert english <= set(trained), sorted(english - set(trained))


def check_nlu_safety_intents(code):
    assert set(CONFIG.safety_intents) <= set(nlu_intents(code))


def check_complete(code, domain):
    if code == "en":  # the source language: its texts are the msgids
        return
    entries = catalogue(code, domain)
    missing = set(entries) - set(translated(entries))
    assert not missing, f"{code}/{domain}: untranslated {sorted(missing)[:3]}"


def check_responses_catalogue(code):
    check_complete(code, "responses")


def check_gateway_catalogue(code):
    check_complete(code, "gateway")


def check_web_catalogue(code):
    check_complete(code, "web")


def check_resources_catalogue(code):
    check_complete(code, "resources")


def check_directory_inline(code):
    rights = yaml.safe_load((paths.ROOT / "resources" / "rights" / "NO.yml").read_text(encoding="utf-8"))["rights"]
    assert all(code in entry["text"] for entry in rights.values())


def check_place_names(code):
    from bot.directory.load import load_directory
    from bot.directory.places import PlaceIndex

    directory, problems = load_directory(paths.ROOT / "resources")
    assert not [p for p in problems if p.level == "error" and "exonyms" in p.path]
    exonyms = yaml.safe_load((paths.ROOT / "resources" / "places" / "exonyms" / f"{code}.yml").read_text(encoding="utf-8"))
    assert set(exonyms) >= {"NO", "DK", "SE", "countries"}, "countries as keys, quoted: a bare NO is false in YAML"
    index = PlaceIndex(directory)
    for country, names in exonyms.items():
        for name, forms in (names.items() if country != "countries" else ()):
            for form in forms:
                recognised = index.recognise(form).places
                assert recognised and recognised[0].name == name, (code, form, name)


def check_held_out_set(code):
    sets = yaml.safe_load((paths.EVAL_SETS / f"{code}.yml").read_text(encoding="utf-8"))
    assert set(nlu_intents(code)) <= set(sets)


def check_acute_sets(code):
    sets = yaml.safe_load((paths.EVAL_SETS / "acute" / f"{code}.yml").read_text(encoding="utf-8"))
    assert set(sets["acute"]) == set(KINDS) and all(len(sets["acute"][k]) >= 5 for k in KINDS)
    assert sum(map(len, sets["acute"].values())) >= 40 and sum(map(len, sets["not_acute"].values())) >= 40


def check_emergency_keywords(code):
    from bot.nlu.keywords import load_patterns

    assert any(language == code for language, _ in load_patterns())


def check_second_pass(code):
    review = (LOCALES / code / "REVIEW.md").read_text(encoding="utf-8")
    assert "back-translat" in review.lower()


def check_safety_responses(code):
    entries = catalogue(code, "responses")
    done = {context for context, _ in translated(entries)}
    phrases = yaml.safe_load((paths.ROOT / "responses" / "phrases.yml").read_text(encoding="utf-8"))["phrases"]
    wanted = set(CONFIG.safety_responses) | set(phrases)
    assert wanted <= done, sorted(wanted - done)[:5]
    services = catalogue(code, "resources")
    names = [key for key in services if key[0].startswith(("name ", "description "))]
    assert set(names) <= set(translated(services))


def test_every_item_has_a_check():
    items = {item for tier in CONFIG.must_have.values() for item in tier}
    assert {item for item in items if f"check_{item}" not in globals()} == set()


@pytest.mark.parametrize("code, item", CASES)
def test_shipped_language_has_what_its_tier_needs(code, item):
    globals()[f"check_{item}"](code)


@pytest.mark.parametrize("country, names", LARGEST.items())
def test_the_largest_places_are_in_the_directory(country, names):
    places = yaml.safe_load((paths.ROOT / "resources" / "places" / f"{country}.yml").read_text(encoding="utf-8"))
    known = {m["name"] for m in places["municipalities"]}
    assert set(names) <= known
