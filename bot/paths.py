"""Where the project's files are, relative to the checkout (``VEIVISER_ROOT`` overrides)."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("VEIVISER_ROOT", Path(__file__).resolve().parent.parent))
DOMAIN = ROOT / "responses"
NLU_DATA = ROOT / "intents"
DIALOGUE = ROOT / "dialogue"
CONFIG = ROOT / "config.yml"
ENDPOINTS = ROOT / "endpoints.yml"
CREDENTIALS = ROOT / "credentials.yml"
MODELS = ROOT / "models"
MODEL = MODELS / "veiviser.tar.gz"
EVAL_SETS = ROOT / "tests" / "eval"
REPORTS = ROOT / "reports"
