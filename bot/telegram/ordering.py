"""Updates of one chat in order, different chats in parallel.

PTB processes updates one at a time by default, so one slow answer from Rasa
would hold up every user. ``PerChatUpdateProcessor`` lets up to
``max_concurrent_updates`` updates run at once but only one per chat, in the
order they arrived (asyncio locks are fair). The same ``ChatLocks`` guard
auto-erase, so a chat is never erased while one of its messages is handled.
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 64


class ChatLocks:
    """One lock per chat, kept only while someone holds or waits for it (so it stays bounded)."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @contextlib.asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        lock, users = self._locks.get(chat_id, (None, 0))
        lock = lock or asyncio.Lock()
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat_id]
            if users <= 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, locks: ChatLocks, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self.locks = locks

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        async with self.locks.hold(chat.id):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""
