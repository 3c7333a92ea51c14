"""Pseudonymous sender ids: Rasa, its tracker store and the logs never see a Telegram id.

The sender id is HMAC-SHA256 of the chat id, keyed with VEIVISER_SECRET: stable
for a chat (so Rasa can follow the conversation), not reversible without the
key, and different for every deployment.
"""
from __future__ import annotations

import hashlib
import hmac

LOG_LENGTH = 10


class Pseudonyms:
    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("the pseudonym key must not be empty")
        self._secret = secret

    def sender(self, chat_id: int) -> str:
        """The sender id Rasa gets for this chat (64 hex digits)."""
        return hmac.new(self._secret, f"telegram-chat:{chat_id}".encode(), hashlib.sha256).hexdigest()

    def for_log(self, chat_id: int | None) -> str:
        """A short form of the pseudonym for log lines; '-' when there is no chat."""
        return "-" if chat_id is None else self.sender(chat_id)[:LOG_LENGTH]
