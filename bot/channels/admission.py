"""Handle a few messages at a time, the others in order of arrival (speed-up ``admission``).

Rasa starts on every message as soon as it arrives, so under load dozens
share the one event loop; a message that waits for the action server goes
to the back of the queue each time it is ready again, and the replies that
need a custom action took twice as long as the others. Letting only a few
messages in at once (``concurrent_messages`` of the REST channel in
credentials.yml, default ``CONCURRENT_MESSAGES``) — enough to keep the
processor busy while some wait for the action server — serves messages
closer to first come, first served: the same throughput, with the slowest
replies much less slow (docs/performance.md "Where the time went").

A message that the safety net's keywords mark as acute danger never waits
in that queue: it goes straight in, so the emergency numbers are not held up
by other people's questions. The keywords are asked only when the queue is
full: with a free place every message goes straight in anyway, and the
keyword net (628 patterns) is a tenth of a message's time.

The gate is part of our REST channel (``bot.channels.rest``), the only way
messages reach this server's dialogue, around the handling of each message
(Rasa's ``Agent.handle_message``, turn lock included).
"""
from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.contract import KEYWORD_VERDICT
from bot.nlu.keywords import match_emergency

CONCURRENT_MESSAGES = 4
T = TypeVar("T")


class AdmissionGate:
    """At most ``limit`` messages handled at once, the rest in order of arrival; acute danger never waits."""

    def __init__(self, limit: int = CONCURRENT_MESSAGES) -> None:
        if limit < 1:
            raise ValueError("concurrent_messages must be at least 1")
        self.limit = limit
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = \
            weakref.WeakKeyDictionary()

    async def admit(self, handle: Callable[[Any], Awaitable[T]], message: Any) -> T:
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            gate = self._gates[loop] = asyncio.Semaphore(self.limit)
        if gate.locked() and urgent(message):
            return await handle(message)
        async with gate:
            return await handle(message)


def urgent(message: Any) -> bool:
    """Whether the keyword net marks the message as acute danger; its verdict goes with the message
    (``KEYWORD_VERDICT`` in the metadata), so the pipeline's safety net need not ask again."""
    text = getattr(message, "text", None)
    if not isinstance(text, str):
        return False
    language = match_emergency(text)
    if isinstance(getattr(message, "metadata", None), dict):
        message.metadata[KEYWORD_VERDICT] = language or ""
    elif hasattr(message, "metadata") and message.metadata is None:
        message.metadata = {KEYWORD_VERDICT: language or ""}
    return language is not None
