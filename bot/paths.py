"""Where the project's files are: the one place for paths (docs/settings.md lists every setting).

Folders of the checkout are under ``ROOT``. ``VEIVISER_ROOT`` moves the checkout; it is read
at import, as every path below is derived from it and a process has one checkout for its life.
The two folders a deployment may keep elsewhere, the help directory and the compiled catalogues,
are functions: their variables are read when the folder is asked for, not at import.
Data files that ship inside the ``bot`` package are under ``PACKAGE``; a module's own
data file next to it (``Path(__file__).parent / "x.yml"``) needs no entry here.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("VEIVISER_ROOT", PACKAGE.parent))
DOMAIN = ROOT / "responses"
PHRASES = DOMAIN / "phrases.yml"  # the texts the actions compose (bot.i18n.phrases)
NLU_DATA = ROOT / "intents"
DIALOGUE = ROOT / "dialogue"
CONFIG = ROOT / "config.yml"
ENDPOINTS = ROOT / "endpoints.yml"
CREDENTIALS = ROOT / "credentials.yml"
MODELS = ROOT / "models"
MODEL = MODELS / "veiviser.tar.gz"
EVAL_SETS = ROOT / "tests" / "eval"
REPORTS = ROOT / "reports"
LANGUAGES = PACKAGE / "languages.yml"  # the shipped languages and their tiers (bot.language.supported)
# The gateways' own texts: the Telegram gateway's, which the web chat and Rasa's Rasa-less
# fallback (bot.channels.rest) use too, and the web chat's page texts.
GATEWAY_PHRASES = PACKAGE / "telegram" / "phrases.yml"
WEB_PHRASES = PACKAGE / "web" / "phrases.yml"


def resources() -> Path:
    """The help directory: ``$VEIVISER_RESOURCES``, else ``resources/`` of the checkout."""
    return Path(os.environ.get("VEIVISER_RESOURCES") or ROOT / "resources")


def locales() -> Path:
    """The translation catalogues (``<lang>/LC_MESSAGES/<domain>.mo``): ``$VEIVISER_LOCALES``, else ``locales/``."""
    return Path(os.environ.get("VEIVISER_LOCALES") or ROOT / "locales")
