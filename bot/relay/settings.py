"""The settings every gateway reads alike: the mode, the pseudonym key, Redis, and how a problem is reported.

Development is the default mode; ``VEIVISER_ENV=production`` makes a gateway
refuse to start without a real ``VEIVISER_SECRET``. In development a missing
key is replaced by a random one for the life of the process (pseudonyms then
change at every restart, which is harmless there) — but not with
``REDIS_URL``, where every replica must name a conversation alike.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.stores.connection import redis_url

DEFAULT_RASA_URL = "http://127.0.0.1:5005"
MIN_PRODUCTION_SECRET = 32
MODES = ("development", "production")


class ConfigError(ValueError):
    """The environment does not describe a gateway that may start; ``problems`` say what to set."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def reader(env: Mapping[str, str]) -> Callable[[str], str | None]:
    """``get(name)``: the variable without surrounding space, or None when unset or blank."""
    def get(name: str) -> str | None:
        value = env.get(name)
        return value.strip() if value and value.strip() else None
    return get


@dataclass(frozen=True)
class Common:
    production: bool
    secret: str
    secret_is_ephemeral: bool
    redis_url: str | None
    rasa_url: str


def common_settings(env: Mapping[str, str], problems: list[str], replicas: str) -> Common:
    """The mode, the key, REDIS_URL and RASA_URL; what is wrong is appended to ``problems``.

    ``replicas`` names what must share the key ("every gateway replica")."""
    get = reader(env)
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
        problems.append(f"REDIS_URL is set but VEIVISER_SECRET is not: {replicas} (and the next start) must name "
                        "a conversation alike, so set the same long random key for all of them")
    return Common(production, secret, ephemeral, redis, (get("RASA_URL") or DEFAULT_RASA_URL).rstrip("/"))
