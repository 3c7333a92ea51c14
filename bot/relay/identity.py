"""Pseudonymous sender ids: Rasa, its tracker store and the logs never see a Telegram id or a web tab's id.

The sender id is HMAC-SHA256 of the chat id (or the web chat's random tab id), keyed with VEIVISER_SECRET: stable
for a chat (so Rasa can follow the conversation), not reversible without the
key, and different for every deployment.
"""
from __future__ import annotations

import hashlib
import hmac

LOG_LENGTH = 10


class Pseudonyms:
    """``namespace`` keeps the channels apart: a web tab never shares a pseudonym with a Telegram chat."""

    def __init__(self, secret: bytes, namespace: str = "telegram-chat") -> None:
        if not secret:
            raise ValueError("the pseudonym key must not be empty")
        self._secret = secret
        self._namespace = namespace

    def sender(self, chat_id: int | str) -> str:
        """The sender id Rasa gets for this chat or tab (64 hex digits)."""
        return hmac.new(self._secret, f"{self._namespace}:{chat_id}".encode(), hashlib.sha256).hexdigest()

    def for_log(self, chat_id: int | str | None) -> str:
        """A short form of the pseudonym for log lines; '-' when there is no chat."""
        return "-" if chat_id is None else self.sender(chat_id)[:LOG_LENGTH]
