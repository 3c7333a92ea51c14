"""The client for Rasa's REST channel: one POST per message, a hard 5-second limit.

Any failure (time-out, connection refused, an error status, an answer that is
not a list of messages) becomes RasaUnavailable with a short reason that
carries no message text, so the caller can answer from its own catalogues.

A message the gateway composed itself (a button's payload, the language
choice, ``/forget_me``) is sent with ``payload=True``, which marks it in the
metadata (``bot.contract.PAYLOAD_FLAG``); anything a person typed is sent
without the mark, and Rasa reads it as words whatever it starts with.
"""
from __future__ import annotations

import asyncio
from typing import Any

import httpx

from bot.contract import LANGUAGE_CODE, PAYLOAD_FLAG
from bot.telegram.config import RASA_TIMEOUT


class RasaUnavailable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RasaClient:
    def __init__(self, base_url: str, timeout: float = RASA_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.webhook = f"{self.base_url}/webhooks/rest/webhook"
        self.timeout = timeout
        # trust_env=False: Rasa is on 127.0.0.1 and must not be reached through a proxy.
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout), trust_env=False)

    async def send(self, sender: str, text: str, language_code: str | None = None,
                   payload: bool = False) -> list[dict[str, Any]]:
        """Rasa's answer to ``text``; ``payload``: the gateway composed it (a button, /forget_me), nobody typed it."""
        body: dict[str, Any] = {"sender": sender, "message": text}
        metadata: dict[str, Any] = {}
        if language_code:
            metadata[LANGUAGE_CODE] = language_code
        if payload:
            metadata[PAYLOAD_FLAG] = True
        if metadata:
            body["metadata"] = metadata
        try:
            response = await asyncio.wait_for(self._client.post(self.webhook, json=body), self.timeout)
        except asyncio.TimeoutError:
            raise RasaUnavailable("timeout") from None
        except httpx.TimeoutException:
            raise RasaUnavailable("timeout") from None
        except httpx.HTTPError as error:
            raise RasaUnavailable(type(error).__name__) from None
        if response.status_code != 200:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        try:
            messages = response.json()
        except ValueError:
            raise RasaUnavailable("not JSON") from None
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            raise RasaUnavailable("not a list of messages")
        return messages

    async def ready(self) -> bool:
        """Whether Rasa answers at all (checked once at start, for the log)."""
        try:
            return (await self._client.get(f"{self.base_url}/", timeout=2)).status_code == 200
        except httpx.HTTPError:
            return False

    async def close(self) -> None:
        await self._client.aclose()
