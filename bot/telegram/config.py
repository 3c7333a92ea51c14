"""The Telegram gateway's settings, read from the environment (documented in docs/telegram.md).

The mode, the pseudonym key, REDIS_URL and RASA_URL are read as every gateway
reads them (``bot.relay.settings``); ``ConfigError`` is re-exported from there.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from bot.relay.rasa import RASA_TIMEOUT
from bot.relay.settings import DEFAULT_RASA_URL, ConfigError, common_settings, reader

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_AUTO_ERASE_MINUTES = 30.0
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1"
DEFAULT_WEBHOOK_PORT = 8443
# Telegram's rule for setWebhook's secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True)
class Config:
    token: str
    secret: bytes
    base_url: str = DEFAULT_BASE_URL
    rasa_url: str = DEFAULT_RASA_URL
    production: bool = False
    secret_is_ephemeral: bool = False
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = DEFAULT_WEBHOOK_LISTEN
    webhook_port: int = DEFAULT_WEBHOOK_PORT
    auto_erase_after: float | None = DEFAULT_AUTO_ERASE_MINUTES * 60  # seconds of silence; None: off
    redis_url: str | None = None  # REDIS_URL: the gateway's state in Redis (bot.telegram.shared_state)
    ops_port: int | None = None  # VEIVISER_OPS_PORT: /live, /ready and /metrics on 127.0.0.1 (bot.telegram.ops)
    rasa_timeout: float = RASA_TIMEOUT
    poll_timeout: float = 10.0

    @property
    def webhook(self) -> bool:
        return self.webhook_url is not None

    @property
    def webhook_path(self) -> str:
        """The path the local webhook server listens on: the path of TELEGRAM_WEBHOOK_URL."""
        return urlparse(self.webhook_url or "").path or "/"

    @property
    def auto_erase_minutes(self) -> int | None:
        return None if self.auto_erase_after is None else max(1, round(self.auto_erase_after / 60))


def _minutes(raw: str | None) -> float | None:
    if raw is None or raw.strip() == "":
        return DEFAULT_AUTO_ERASE_MINUTES * 60
    if raw.strip().lower() in ("0", "off", "no", "false"):
        return None
    try:
        minutes = float(raw)
    except ValueError:
        raise ConfigError(f"VEIVISER_AUTO_ERASE_MINUTES={raw!r}: give a number of minutes, or 0/off") from None
    if minutes < 0:
        raise ConfigError("VEIVISER_AUTO_ERASE_MINUTES must not be negative (0 or off turns it off)")
    return minutes * 60 or None


def _port(raw: str | None, name: str = "TELEGRAM_WEBHOOK_PORT") -> int:
    if not raw:
        return DEFAULT_WEBHOOK_PORT
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{name}={raw!r} is not a port number")
    return int(raw)


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Read and check the settings; raise ConfigError naming whatever is missing or wrong."""
    env = os.environ if env is None else env
    get = reader(env)

    problems: list[str] = []
    common = common_settings(env, problems, "every gateway replica")
    production = common.production

    token = get("TELEGRAM_BOT_TOKEN")
    if not token:
        problems.append(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram and "
            "export TELEGRAM_BOT_TOKEN=<the token it gives you>"
        )

    webhook_url, webhook_secret = get("TELEGRAM_WEBHOOK_URL"), get("TELEGRAM_WEBHOOK_SECRET")
    if webhook_url:
        parsed = urlparse(webhook_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            problems.append(f"TELEGRAM_WEBHOOK_URL={webhook_url!r} is not an http(s) URL")
        elif production and parsed.scheme != "https":
            problems.append("TELEGRAM_WEBHOOK_URL must be an https:// URL in production (Telegram requires it)")
        if not webhook_secret:
            problems.append(
                "TELEGRAM_WEBHOOK_SECRET is not set: webhook mode needs a secret token "
                "(1-256 characters A-Z a-z 0-9 _ -) so that only Telegram can send updates"
            )
        elif not WEBHOOK_SECRET.match(webhook_secret):
            problems.append("TELEGRAM_WEBHOOK_SECRET may only have 1-256 characters A-Z a-z 0-9 _ -")
    elif webhook_secret:
        problems.append("TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_WEBHOOK_URL is not: set both (webhook) or neither (polling)")

    try:
        auto_erase = _minutes(env.get("VEIVISER_AUTO_ERASE_MINUTES"))
        port = _port(get("TELEGRAM_WEBHOOK_PORT"))
        ops_port = _port(get("VEIVISER_OPS_PORT"), "VEIVISER_OPS_PORT") if get("VEIVISER_OPS_PORT") else None
    except ConfigError as error:
        problems.extend(error.problems)
        auto_erase, port, ops_port = None, DEFAULT_WEBHOOK_PORT, None

    if problems:
        raise ConfigError(*problems)
    return Config(
        token=token,
        secret=common.secret.encode("utf-8"),
        base_url=get("TELEGRAM_BASE_URL") or DEFAULT_BASE_URL,
        rasa_url=common.rasa_url,
        production=production,
        secret_is_ephemeral=common.secret_is_ephemeral,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret if webhook_url else None,
        webhook_listen=get("TELEGRAM_WEBHOOK_LISTEN") or DEFAULT_WEBHOOK_LISTEN,
        webhook_port=port,
        auto_erase_after=auto_erase,
        redis_url=common.redis_url,
        ops_port=ops_port,
    )
