# Veiviser — the same targets locally and in CI (.ci/run is `make test`).
# `make help` lists them.

SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin
PY    := $(BIN)/python

# Python 3.10 (.python-version): $PYTHON if given, else python3.10 on PATH,
# else the newest 3.10 that pyenv has installed.
PYTHON ?= $(shell command -v python3.10 2>/dev/null || ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.10*/bin/python3.10 2>/dev/null | sort -V | tail -n 1)

MODEL      := models/veiviser.tar.gz
BASELINE   := models/baseline.tar.gz
# The model is trained again when its data, its configuration or the code and data of its components
# change: the packages config.yml names components from (bot/nlu, bot/language, bot/policies) and what
# they import of bot (bot/text, bot/contract.py, bot/languages.yml; the speed-up switch and guard that
# bot/policies asks); tests/test_lint.py checks this list against the imports. Place names
# (resources/places) are read at run time, not trained.
MODEL_CODE := bot/nlu bot/language bot/policies bot/text
TRAIN_DATA := config.yml bot/contract.py bot/languages.yml $(wildcard bot/speedups/__init__.py bot/speedups/_guard.py) $(shell find intents dialogue responses -name '*.yml' 2>/dev/null) \
  $(shell find $(MODEL_CODE) -type f \( -name '*.py' -o -name '*.yml' -o -name '*.json' \) 2>/dev/null)
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/*.po))
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3

# Every installed version is pinned in requirements.lock (`make lock` refreshes it).
LOCK       := requirements.lock
UV         := uv==0.13.9

.PHONY: help setup redis-server chromium train chat run web test eval bench lint messages lock clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: $(VENV)/.installed $(CATALOGUES) redis-server chromium  ## create .venv (Python 3.10), install, compile catalogues

# The tests and `make bench` start throw-away Redis servers (REDIS_URL, docs/production.md).
# Installed here when missing and this is root on Debian/Ubuntu; otherwise the exact command is printed.
redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing redis-server (Debian package) for the tests..."; \
	    (apt-get install -y -q redis-server >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q redis-server >/dev/null)); \
	  else \
	    echo "note: redis-server is not installed; the Redis tests need it:" >&2; \
	    echo "      sudo apt-get install redis-server   (macOS: brew install redis)" >&2; \
	  fi; }

# The web chat's tests drive Debian's headless Chromium with its chromedriver (docs/web.md);
# nothing is downloaded at run time. Installed like redis-server.
chromium:
	@{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing chromium and chromium-driver (Debian packages) for the web chat's tests..."; \
	    (apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium chromium-driver >/dev/null)); \
	  else \
	    echo "note: chromium/chromedriver are not installed; the web chat's browser tests need them:" >&2; \
	    echo "      sudo apt-get install chromium chromium-driver" >&2; \
	  fi; }

$(VENV)/.installed: pyproject.toml $(LOCK)
	@if [ -z "$(PYTHON)" ] || ! "$(PYTHON)" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then \
	  echo "error: Veiviser needs Python 3.10 (Rasa 3.6 supports 3.8-3.10; python-telegram-bot 22 needs >= 3.10)." >&2; \
	  echo "       Install it (e.g. 'pyenv install 3.10') or run 'make setup PYTHON=/path/to/python3.10'." >&2; \
	  exit 1; fi
	[ -x $(PY) ] || "$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip wheel  # not setuptools: Rasa 3.6 pins it (pkg_resources)
	$(PY) -m pip install --quiet --constraint $(LOCK) -e ".[test]"
	touch $@

# The whole dependency set resolved once for Linux x86-64 and Python 3.10, with uv's
# resolver (pinned above); `make setup` installs within it, so a clone builds the
# same environment in three months. Refresh deliberately, then run `make test`.
lock: $(VENV)/.installed  ## re-resolve every dependency into requirements.lock
	$(PY) -m pip install --quiet "$(UV)"
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.10 \
	  --python-platform x86_64-unknown-linux-gnu --no-header --output-file $(LOCK)

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --input-file $< --output-file $@ --statistics

train: setup $(MODEL)  ## train models/veiviser.tar.gz if data, domain or config changed

$(MODEL): $(TRAIN_DATA) | $(VENV)/.installed
	$(BIN)/veiviser train

chat: train  ## talk to the assistant in the terminal (no token, no external service)
	$(BIN)/veiviser chat

# Checks the gateway's settings first, so a wrong setting is reported at once (exit 2).
run: setup  ## action server, Rasa and the Telegram gateway (TELEGRAM_BOT_TOKEN; docs/telegram.md), else the web chat (docs/web.md)
	@$(BIN)/veiviser run --check
	@$(MAKE) --no-print-directory train
	$(BIN)/veiviser run

web: train  ## action server, Rasa and the web chat on http://127.0.0.1:8480/ (docs/web.md)
	env -u TELEGRAM_BOT_TOKEN $(BIN)/veiviser run

test: train  ## the whole suite (set-up and training included)
	$(BIN)/pytest

# Stock Rasa 3.6 (DIET, TED, UnexpecTED, Memoization, Rule) on the same data: the
# baseline of `make eval` and `make bench`, trained once: 35 minutes on 2 cores with the four
# tier-1 languages (2026-11), about 10 hours with all 18 (DIET: 357 s an epoch, measured 2026-12-07).
$(BASELINE): $(TRAIN_DATA) bot/benchmarks/baseline-config.yml | $(VENV)/.installed
	$(BIN)/veiviser train --config bot/benchmarks/baseline-config.yml --name baseline

eval: train $(BASELINE)  ## per-language accuracy, macro-F1, emergency recall: ours and the stock-Rasa baseline
	$(BIN)/veiviser eval --baseline

bench: train $(BASELINE)  ## ours vs stock Rasa under load, memory, start-up; directory and language micro-benchmarks
	$(BIN)/veiviser bench

lint: setup  ## ruff over the code, and the import contracts ([tool.importlinter] in pyproject.toml)
	$(BIN)/ruff check bot actions tests
	$(BIN)/lint-imports --no-cache

# One catalogue (gettext domain) per mapping file: babel-<domain>.cfg.
DOMAINS := $(patsubst babel-%.cfg,%,$(wildcard babel-*.cfg))

messages: setup  ## extract texts and update the catalogues (Babel), for every domain
	for domain in $(DOMAINS); do \
	  $(BIN)/pybabel extract --mapping babel-$$domain.cfg --output locales/$$domain.pot --omit-header --no-wrap . && \
	  $(BIN)/pybabel update --input-file locales/$$domain.pot --output-dir locales --domain $$domain --no-wrap --ignore-obsolete || exit 1; \
	done
	$(MAKE) setup

clean:  ## remove the venv, models and reports
	rm -rf $(VENV) models reports .rasa .pytest_cache
