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
import json
from typing import Any

import aiohttp

from bot.contract import LANGUAGE_CODE, PAYLOAD_FLAG

RASA_TIMEOUT = 5.0  # seconds: past this the gateway answers with the emergency numbers itself


class RasaUnavailable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RasaClient:
    def __init__(self, base_url: str, timeout: float = RASA_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.webhook = f"{self.base_url}/webhooks/rest/webhook"
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """aiohttp rather than httpx: a third of the CPU per request, and the gateway's CPU is its limit
        (docs/production.md: the gateway's numbers). trust_env=False: Rasa must not be reached through a proxy."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout), trust_env=False,
                                                  connector=aiohttp.TCPConnector(limit=100))
        return self._session

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
            async with self.session.post(self.webhook, json=body) as response:  # the session's total time limit
                if response.status != 200:
                    raise RasaUnavailable(f"HTTP {response.status}")
                raw = await response.read()
        except asyncio.TimeoutError:
            raise RasaUnavailable("timeout") from None
        except aiohttp.ClientError as error:
            raise RasaUnavailable(type(error).__name__) from None
        try:
            messages = json.loads(raw)
        except ValueError:
            raise RasaUnavailable("not JSON") from None
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            raise RasaUnavailable("not a list of messages")
        return messages

    async def ready(self) -> bool:
        """Whether Rasa answers at all (checked once at start, for the log)."""
        try:
            async with self.session.get(f"{self.base_url}/", timeout=aiohttp.ClientTimeout(total=2)) as response:
                return response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
