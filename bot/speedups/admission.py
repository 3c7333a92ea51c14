"""Handle a few messages at a time, the others in order of arrival.

Rasa starts on every message as soon as it arrives, so under load dozens
share the one event loop; a message that waits for the action server goes
to the back of the queue each time it is ready again, and the replies that
need a custom action took twice as long as the others. Letting only
``CONCURRENT_MESSAGES`` messages in at once — enough to keep the processor
busy while some wait for the action server — serves messages closer to
first come, first served: the same throughput, with the slowest replies
much less slow (docs/performance.md "Where the time went").

A message that the safety net's keywords mark as acute danger never waits
in that queue: it goes straight in, so the emergency numbers are not held up
by other people's questions. The keywords are asked only when the queue is
full: with a free place every message goes straight in anyway, and the
keyword net (628 patterns) is a tenth of a message's time.
"""
from __future__ import annotations

import asyncio
import functools
import os
from typing import Any

from bot.contract import KEYWORD_VERDICT
from bot.nlu.keywords import match_emergency

CONCURRENT_MESSAGES = int(os.environ.get("VEIVISER_CONCURRENT_MESSAGES", "4"))


def _admitting(handle_message: Any) -> Any:
    gates: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    @functools.wraps(handle_message)
    async def admitted(self: Any, message: Any) -> Any:
        loop = asyncio.get_running_loop()
        gate = gates.get(loop)
        if gate is None:
            gate = gates[loop] = asyncio.Semaphore(CONCURRENT_MESSAGES)
        if gate.locked() and urgent(message):
            return await handle_message(self, message)
        async with gate:
            return await handle_message(self, message)

    return admitted


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


def apply() -> None:
    from rasa.core.agent import Agent

    Agent.handle_message = _admitting(Agent.handle_message)
