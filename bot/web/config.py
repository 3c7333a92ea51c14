"""The web chat's settings, read from the environment (docs/web.md).

Shares the Telegram gateway's rules for the pseudonym key: ``VEIVISER_ENV=
production`` refuses to start without a real ``VEIVISER_SECRET``; in
development a missing key is a random one for the life of the process.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from bot.relay.rasa import RASA_TIMEOUT
from bot.stores.connection import redis_url
from bot.telegram.config import DEFAULT_RASA_URL, MIN_PRODUCTION_SECRET, MODES, ConfigError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8480
# Where "Quick exit" goes: a busy, ordinary site that says nothing about the person (docs/web.md).
DEFAULT_EXIT_URL = "https://www.yr.no/"


@dataclass(frozen=True)
class WebConfig:
    secret: bytes
    rasa_url: str = DEFAULT_RASA_URL
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    exit_url: str = DEFAULT_EXIT_URL
    production: bool = False
    rasa_timeout: float = RASA_TIMEOUT
    redis_url: str | None = None  # REDIS_URL: rate limits and button tokens shared by every web chat replica


def load_web_config(env: Mapping[str, str] | None = None) -> WebConfig:
    """Read and check the settings; raise ConfigError naming whatever is missing or wrong."""
    env = os.environ if env is None else env

    def get(name: str) -> str | None:
        value = env.get(name)
        return value.strip() if value and value.strip() else None

    problems: list[str] = []
    mode = (get("VEIVISER_ENV") or "development").lower()
    if mode not in MODES:
        problems.append(f"VEIVISER_ENV={mode!r}: use 'development' (the default) or 'production'")
    production = mode == "production"
    secret = get("VEIVISER_SECRET")
    ephemeral = secret is None
    if secret is None:
        if production:
            problems.append("VEIVISER_SECRET is not set: production mode needs a long random key for the "
                            "pseudonymous ids, e.g. export VEIVISER_SECRET=$(openssl rand -hex 32)")
        secret = secrets.token_urlsafe(32)
    elif production and len(secret) < MIN_PRODUCTION_SECRET:
        problems.append(f"VEIVISER_SECRET is too short for production: use at least {MIN_PRODUCTION_SECRET} characters")
    redis = redis_url(env)
    if redis and ephemeral:
        problems.append("REDIS_URL is set but VEIVISER_SECRET is not: every web chat replica must name a tab alike, "
                        "so set the same long random key for all of them")
    port_text = get("VEIVISER_WEB_PORT")
    port = DEFAULT_PORT
    if port_text is not None:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            problems.append(f"VEIVISER_WEB_PORT={port_text!r} is not a port number")
        else:
            port = int(port_text)
    exit_url = get("VEIVISER_EXIT_URL") or DEFAULT_EXIT_URL
    parsed = urlparse(exit_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        problems.append(f"VEIVISER_EXIT_URL={exit_url!r} is not an http(s) URL")
    if problems:
        raise ConfigError(*problems)
    return WebConfig(
        secret=secret.encode("utf-8"),
        rasa_url=(get("RASA_URL") or DEFAULT_RASA_URL).rstrip("/"),
        host=get("VEIVISER_WEB_HOST") or DEFAULT_HOST,
        port=port,
        exit_url=exit_url,
        production=production,
        redis_url=redis,
    )
