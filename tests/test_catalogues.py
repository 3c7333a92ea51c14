"""Every response is translated in every shipped language, and no catalogue is stale."""
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot import paths
from bot.language import load_config

LOCALES = paths.ROOT / "locales"
CONFIG = load_config()
TRANSLATED = [lang for lang in CONFIG.shipped if lang != "en"]
NUMBER = re.compile(r"\+?\d[\d \-–]*\d|\d")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


# One catalogue (gettext domain) per mapping file babel-<domain>.cfg, as `make messages` does.
DOMAINS = sorted(p.stem.split("-", 1)[1] for p in paths.ROOT.glob("babel-*.cfg"))
# Tier 1 writes the directory's texts inline (no resources catalogue); the safety tier translates
# only part of each catalogue (tests/test_languages.py checks which part).
CASES = [(domain, language) for domain in DOMAINS for language in TRANSLATED
         if not (domain == "resources" and CONFIG.tier(language) == "tier1")]
COMPLETE = [(domain, language) for domain, language in CASES if CONFIG.tier(language) != "safety"]


def source_messages(domain):
    """(context, msgid) of every translatable string, extracted as pybabel does."""
    with open(paths.ROOT / f"babel-{domain}.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    return {
        (context, message)
        for _, _, message, _, context in extract_from_dir(str(paths.ROOT), method_map, options_map)
    }


def catalogue(language, domain="responses"):
    with open(LOCALES / language / "LC_MESSAGES" / f"{domain}.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.fixture(scope="module")
def all_sources():
    found = {domain: source_messages(domain) for domain in DOMAINS}
    assert len(found["responses"]) > 50, "the extractor found the responses"
    return found


def test_responses_domain_exists():
    assert "responses" in DOMAINS


@pytest.mark.parametrize("domain, language", CASES)
def test_catalogue_is_current(domain, language, all_sources):
    sources = all_sources[domain]
    entries = {(m.context, m.id): m for m in catalogue(language, domain) if m.id}
    missing = sources - set(entries)
    stale = set(entries) - sources
    assert not missing, f"not in locales/{language}/{domain} (run `make messages`): {sorted(missing)[:3]}"
    assert not stale, f"obsolete in locales/{language} (run `make messages`): {sorted(stale)[:3]}"


@pytest.mark.parametrize("domain, language", COMPLETE)
def test_catalogue_is_complete(domain, language):
    entries = {(m.context, m.id): m for m in catalogue(language, domain) if m.id}
    untranslated = [key for key, m in entries.items() if not m.string or m.fuzzy]
    assert not untranslated, f"untranslated or fuzzy in {language}: {untranslated[:3]}"


NAMES_AND_NUMBERS = re.compile(r"^[\W\d]*$|^(SMS|sms|[eE]-?mail|ROSA|CMM|Kripos|NAV|UDI|IOM|Bris|Reden)\b")


@pytest.mark.parametrize("domain, language", COMPLETE)
def test_no_translation_is_the_english_copied(domain, language):
    """An entry "translated" by copying the English is untranslated, unless it is a name or a number."""
    copied = [m.context for m in catalogue(language, domain)
              if m.id and m.string.strip() == m.id.strip() and len(m.id) > 12 and not NAMES_AND_NUMBERS.match(m.id)]
    assert not copied, f"{language}/{domain}: identical to English: {copied[:5]}"


@pytest.mark.parametrize("domain, language", CASES)
def test_translations_keep_numbers_and_placeholders(domain, language):
    for message in catalogue(language, domain):
        if not message.id or not message.string:
            continue
        def numbers(text):
            return sorted(re.sub(r"[\s\-–]", "", n) for n in NUMBER.findall(text))
        assert numbers(message.string) == numbers(message.id), (language, message.context, message.id[:60])
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id))


@pytest.mark.parametrize("domain", DOMAINS)
def test_template_matches_the_sources(domain, all_sources):
    with open(LOCALES / f"{domain}.pot", "rb") as handle:
        template = {(m.context, m.id) for m in read_po(handle) if m.id}
    assert template == all_sources[domain], f"locales/{domain}.pot is stale: run `make messages`"


@pytest.mark.parametrize("domain, language", CASES)
def test_compiled_catalogues_exist_for_shipped_languages(domain, language):
    assert (LOCALES / language / "LC_MESSAGES" / f"{domain}.mo").exists(), "make setup compiles them"
