"""Every shipped language, as Telegram's language code: the gateway greets in it."""
import pytest

from bot.i18n.catalogs import reload
from bot.i18n.phrases import Phrasebook
from bot.language import load_config, negotiate
from bot.telegram.gateway import PHRASES

SHIPPED = load_config().shipped
# What Telegram sends for an app in that language ("no" for Norwegian), and a regional form.
TELEGRAM_CODES = {code: code for code in SHIPPED} | {"nb": "no"}
REGIONAL = {"en": "en-GB", "nb": "nb-NO", "da": "da-DK", "sv": "sv-SE", "ro": "ro-MD", "uk": "uk-UA", "ru": "ru-KZ",
            "th": "th-TH", "ar": "ar-MA", "es": "es-AR", "vi": "vi-VN", "tr": "tr-TR", "fr": "fr-CI", "bg": "bg-BG",
            "pl": "pl-PL", "lt": "lt-LT", "fa": "fa-AF", "ti": "ti-ER"}


@pytest.mark.parametrize("language", SHIPPED)
def test_the_app_language_code_selects_the_language(language):
    assert negotiate(TELEGRAM_CODES[language]) == language
    assert negotiate(REGIONAL[language]) == language


@pytest.mark.parametrize("language", [code for code in SHIPPED if code != "en"])
def test_the_start_screen_is_written_in_every_shipped_language(language):
    reload()
    phrases = Phrasebook(PHRASES, domain="gateway")
    for key in ("start_greeting", "start_danger", "start_forget", "language_menu", "emergency_numbers", "fault"):
        assert phrases(language, key, minutes=30) != phrases("en", key, minutes=30), (language, key)
