"""Every response is translated in every shipped language, and no catalogue is stale."""
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import paths
from bot.language import load_config

LOCALES = paths.ROOT / "locales"
TRANSLATED = [lang for lang in load_config().shipped if lang != "en"]
NUMBER = re.compile(r"\+?\d[\d \-–]*\d|\d")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def source_messages():
    """(context, msgid) of every translatable string, extracted as pybabel does."""
    return {
        (context, message)
        for _, _, message, _, context in extract_from_dir(
            str(paths.ROOT), method_map=[("responses/*.yml", "rasa_responses")]
        )
    }


def catalogue(language):
    with open(LOCALES / language / "LC_MESSAGES" / "responses.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.fixture(scope="module")
def sources():
    found = source_messages()
    assert len(found) > 50, "the extractor found the responses"
    return found


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_complete_and_current(language, sources):
    entries = {(m.context, m.id): m for m in catalogue(language) if m.id}
    missing = sources - set(entries)
    stale = set(entries) - sources
    assert not missing, f"not in locales/{language} (run `make messages`): {sorted(missing)[:3]}"
    assert not stale, f"obsolete in locales/{language} (run `make messages`): {sorted(stale)[:3]}"
    untranslated = [key for key, m in entries.items() if not m.string or m.fuzzy]
    assert not untranslated, f"untranslated or fuzzy in {language}: {untranslated[:3]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_numbers_and_placeholders(language):
    for message in catalogue(language):
        if not message.id:
            continue
        def numbers(text):
            return sorted(re.sub(r"[\s\-–]", "", n) for n in NUMBER.findall(text))
        assert numbers(message.string) == numbers(message.id), (language, message.context, message.id[:60])
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id))


def test_template_matches_the_sources(sources):
    with open(LOCALES / "responses.pot", "rb") as handle:
        template = {(m.context, m.id) for m in read_po(handle) if m.id}
    assert template == sources, "locales/responses.pot is stale: run `make messages`"


def test_compiled_catalogues_exist_for_shipped_languages():
    for language in TRANSLATED:
        assert (LOCALES / language / "LC_MESSAGES" / "responses.mo").exists(), "make setup compiles them"
