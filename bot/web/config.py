"""The web chat's settings, read from the environment (docs/web.md).

The mode, the pseudonym key, REDIS_URL and RASA_URL are read as every gateway
reads them (``bot.relay.settings``); here only where it listens and where
Quick exit goes.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from bot.relay.rasa import RASA_TIMEOUT
from bot.relay.settings import DEFAULT_RASA_URL, ConfigError, common_settings, reader

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
    get = reader(env)
    problems: list[str] = []
    common = common_settings(env, problems, "every web chat replica")
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
        secret=common.secret.encode("utf-8"),
        rasa_url=common.rasa_url,
        host=get("VEIVISER_WEB_HOST") or DEFAULT_HOST,
        port=port,
        exit_url=exit_url,
        production=common.production,
        redis_url=common.redis_url,
    )
