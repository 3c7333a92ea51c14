"""Talking to the Telegram Bot API: send, delete, typing, answer callbacks — within flood limits.

Every call goes through ``with_retry``: on RetryAfter (HTTP 429) it waits the
time Telegram asks for and tries again, a bounded number of times and never
longer than ``MAX_WAIT`` seconds at once. Sent messages are remembered by id
(``ChatMemory``) so that they can be erased later.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from telegram import Bot, CallbackQuery, Message
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.telegram.memory import ChatMemory
from bot.telegram.render import Outgoing

logger = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 4
MAX_WAIT = 30.0
TYPING_EVERY = 4.0  # Telegram shows "typing…" for 5 seconds or until the next message
TYPING_AFTER = 0.4  # seconds: most answers come sooner, and then "typing…" would only cost a call
TYPING_GRACE = 1.0  # seconds a turn waits for a "typing…" call still in flight
DELETE_BATCH = 100  # deleteMessages takes 1-100 ids


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int form will become a timedelta
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


async def with_retry(call: Callable[[], Awaitable[T]], what: str, attempts: int = ATTEMPTS,
                     max_wait: float = MAX_WAIT) -> T:
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except RetryAfter as error:
            wait = retry_seconds(error)
            if attempt == attempts or wait > max_wait:
                logger.warning("Telegram flood limit on %s: gave up (asked to wait %.0f s)", what, wait)
                raise
            logger.info("Telegram flood limit on %s: retrying in %.1f s", what, wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")


class Delivery:
    def __init__(self, bot: Bot, memory: ChatMemory) -> None:
        self.bot = bot
        self.memory = memory
        self._typing_tasks: set[asyncio.Task] = set()

    async def send(self, chat_id: int, message: Outgoing) -> Message:
        sent = await with_retry(
            lambda: self.bot.send_message(chat_id, message.text, reply_markup=message.keyboard),
            "sendMessage",
        )
        await self.memory.remember(chat_id, sent.message_id)
        return sent

    async def send_all(self, chat_id: int, messages: list[Outgoing]) -> None:
        for message in messages:
            await self.send(chat_id, message)

    async def delete(self, chat_id: int, message_ids: list[int]) -> None:
        """Delete what Telegram still allows; messages already gone are skipped by Telegram."""
        for start in range(0, len(message_ids), DELETE_BATCH):
            batch = message_ids[start:start + DELETE_BATCH]
            try:
                await with_retry(lambda batch=batch: self.bot.delete_messages(chat_id, batch), "deleteMessages")
            except (BadRequest, Forbidden) as error:
                logger.info("Could not delete %d message(s): %s", len(batch), type(error).__name__)

    async def answer(self, query: CallbackQuery, text: str | None = None) -> None:
        """Answer a callback query (always: otherwise the button keeps spinning)."""
        try:
            await with_retry(lambda: query.answer(text=text), "answerCallbackQuery")
        except TelegramError as error:  # e.g. the query is too old: nothing more to do
            logger.info("Could not answer a callback query: %s", type(error).__name__)

    @contextlib.asynccontextmanager
    async def typing(self, chat_id: int) -> AsyncIterator[None]:
        """Show "typing…" in the chat while the body runs (e.g. while Rasa thinks), once it takes
        longer than ``TYPING_AFTER`` seconds (most answers come sooner: the call would only cost
        the gateway a request per turn, a third of its work).

        The "typing…" call in flight is never cancelled: cancelling a request
        inside httpx's connection pool could leave the turn waiting for the
        cancelled task forever (seen under load in ``make bench``: about one
        answer in 300 never sent). The loop is told to stop instead; the turn
        waits for the call at most ``TYPING_GRACE`` seconds and then goes on.
        """
        finished = asyncio.Event()

        async def keep_typing() -> None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(finished.wait(), TYPING_AFTER)
            while not finished.is_set():
                with contextlib.suppress(TelegramError):
                    await self.bot.send_chat_action(chat_id, ChatAction.TYPING)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(finished.wait(), TYPING_EVERY)

        task = asyncio.create_task(keep_typing())
        self._typing_tasks.add(task)  # keep a reference until it ends by itself
        task.add_done_callback(self._typing_tasks.discard)
        try:
            yield
        finally:
            finished.set()
            await asyncio.wait({task}, timeout=TYPING_GRACE)
