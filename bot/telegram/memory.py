"""What the gateway remembers about a chat: message ids, never texts; in memory only, bounded.

For each chat: the ids of the messages that /forget or auto-erase should
delete (the user's and the bot's; Telegram lets a bot delete both in a
private chat for 48 hours, so older ids are dropped), the time of the last
message either way, and the language picked in the gateway's menu. At most
``max_chats`` chats (the least recently active are forgotten first) and
``max_ids`` ids per chat. Nothing is written to disk; a restart forgets it all.
With REDIS_URL the gateway keeps the same in Redis instead
(``bot.telegram.shared_state.RedisChatMemory``), so any replica serves any chat
and a restart forgets nothing. The methods are coroutines for that reason.
"""
from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

DELETABLE_FOR = 48 * 3600.0


@dataclass
class ChatState:
    message_ids: deque = field(default_factory=deque)  # (message_id, time), oldest first
    last_active: float = 0.0
    language: str | None = None


class ChatMemory:
    def __init__(self, max_chats: int = 10_000, max_ids: int = 500, clock=time.monotonic) -> None:
        self.max_chats = max_chats
        self.max_ids = max_ids
        self._clock = clock
        self._chats: OrderedDict[int, ChatState] = OrderedDict()

    def __len__(self) -> int:
        return len(self._chats)

    def _state(self, chat_id: int) -> ChatState:
        state = self._chats.get(chat_id)
        if state is None:
            state = self._chats[chat_id] = ChatState(message_ids=deque(maxlen=self.max_ids))
            while len(self._chats) > self.max_chats:
                self._chats.popitem(last=False)
        self._chats.move_to_end(chat_id)
        return state

    async def remember(self, chat_id: int, message_id: int) -> None:
        """Note a message (the user's or the bot's) so that it can be deleted later."""
        now = self._clock()
        state = self._state(chat_id)
        state.message_ids.append((message_id, now))
        state.last_active = now

    async def message_ids(self, chat_id: int) -> list[int]:
        state = self._chats.get(chat_id)
        if state is None:
            return []
        oldest = self._clock() - DELETABLE_FOR
        return [message_id for message_id, at in state.message_ids if at >= oldest]

    async def set_language(self, chat_id: int, language: str) -> None:
        self._state(chat_id).language = language

    async def language(self, chat_id: int) -> str | None:
        state = self._chats.get(chat_id)
        return state.language if state else None

    async def forget(self, chat_id: int) -> list[int]:
        """Drop everything about the chat; return the message ids that can still be deleted."""
        ids = await self.message_ids(chat_id)
        self._chats.pop(chat_id, None)
        return ids

    async def idle(self, seconds: float) -> list[int]:
        """Chats with messages to delete and no message either way for ``seconds``."""
        limit = self._clock() - seconds
        return [chat_id for chat_id, state in self._chats.items()
                if state.message_ids and state.last_active <= limit]
