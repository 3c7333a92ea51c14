"""The Telegram gateway's chat memory in Redis (REDIS_URL), so any gateway replica serves any chat.

``RedisChatMemory`` (``memory.ChatMemory``): the ids of the messages that
/forget and auto-erase delete, for 48 hours; the language picked in the
menu; the time of the last message either way. The rate limiter and the
button payloads in Redis are shared with the web chat (``bot.relay.shared_state``).

Keys are named by the chat's pseudonym (``identity.Pseudonyms``), never by
its id. Deleting messages without a message from the user (auto-erase)
needs the chat id itself, so the chat's hash holds it as a value, next to
the language; the chat's keys expire 48 hours after its last message (the
time Telegram lets a bot delete messages) or go at once on /forget. Times
are wall-clock seconds, as every replica must read them alike.

When Redis fails, the gateway goes on without it rather than stopping: the
texts are in the app's language, an id that could not be noted cannot be
deleted later. Each failure is logged by its kind only.
"""
from __future__ import annotations

from bot.relay.shared_state import RedisState, degrades_to
from bot.stores import connection
from bot.telegram.memory import DELETABLE_FOR

KEEP_FOR = int(DELETABLE_FOR)
ACTIVE = connection.PREFIX + "gateway-active"  # pseudonym -> last message time, for auto-erase


class RedisChatMemory(RedisState):
    def _keys(self, chat_id: int) -> tuple[str, str]:
        return self._key("gateway-chat", chat_id), self._key("gateway-ids", chat_id)

    @degrades_to(None)
    async def remember(self, chat_id: int, message_id: int) -> None:
        now = self._clock()
        chat, ids = self._keys(chat_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(chat, mapping={"chat": chat_id, "last": now})
            pipe.rpush(ids, f"{message_id}:{now}").ltrim(ids, -500, -1)
            pipe.expire(chat, KEEP_FOR).expire(ids, KEEP_FOR)
            pipe.zadd(ACTIVE, {self.pseudonyms.sender(chat_id): now})
            await pipe.execute()

    @degrades_to([])
    async def message_ids(self, chat_id: int) -> list[int]:
        oldest = self._clock() - DELETABLE_FOR
        noted = await self.redis.lrange(self._keys(chat_id)[1], 0, -1)
        pairs = [item.decode("ascii").split(":") for item in noted]
        return [int(message_id) for message_id, at in pairs if float(at) >= oldest]

    @degrades_to(None)
    async def set_language(self, chat_id: int, language: str) -> None:
        chat = self._keys(chat_id)[0]
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.hset(chat, "language", language).expire(chat, KEEP_FOR).execute()

    @degrades_to(None)
    async def language(self, chat_id: int) -> str | None:
        value = await self.redis.hget(self._keys(chat_id)[0], "language")
        return value.decode("ascii") if value else None

    @degrades_to([])
    async def forget(self, chat_id: int) -> list[int]:
        """Drop everything about the chat; return the message ids that can still be deleted."""
        ids = await self.message_ids(chat_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.delete(*self._keys(chat_id)).zrem(ACTIVE, self.pseudonyms.sender(chat_id)).execute()
        return ids

    @degrades_to([])
    async def idle(self, seconds: float) -> list[int]:
        """Chats with messages to delete and no message either way for ``seconds`` (any replica's)."""
        now = self._clock()
        await self.redis.zremrangebyscore(ACTIVE, "-inf", now - DELETABLE_FOR)
        quiet = await self.redis.zrangebyscore(ACTIVE, "-inf", now - seconds)
        chats = []
        for pseudonym in quiet:
            chat = await self.redis.hget(connection.key("gateway-chat", pseudonym.decode("ascii")), "chat")
            if chat is None:
                await self.redis.zrem(ACTIVE, pseudonym)
            else:
                chats.append(int(chat))
        return chats
