"""The state the gateways share across replicas in Redis (REDIS_URL): rate limits and button payloads.

The same behaviour as in memory, keyed by pseudonym (``identity.Pseudonyms``),
never by a chat or tab id:

- ``RedisRateLimiter`` (``limits.RateLimiter``): each conversation's window of
  message times, checked and updated in one Lua script;
- ``RedisCallbackPayloads`` (``buttons.CallbackPayloads``): the payloads behind
  the buttons' tokens, for 48 hours after a conversation's last button.

Both gateways use them (the Telegram gateway's own chat memory is in
``bot.telegram.shared_state``). When Redis fails, a gateway goes on without
it rather than stopping: the message is forwarded (no rate limit), a button
that could not be noted says it expired. Each failure is logged by its kind only.
"""
from __future__ import annotations

import functools
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar

from redis.exceptions import RedisError

from bot.relay.buttons import TOKEN, TOKEN_BYTES
from bot.relay.identity import Pseudonyms
from bot.relay.limits import RATE_LIMIT, RATE_WINDOW, Verdict
from bot.stores import connection

logger = logging.getLogger(__name__)
KEEP_FOR = 48 * 3600  # seconds a conversation's shared state outlives its last message (Telegram: deletable for 48 h)
T = TypeVar("T")


def degrades_to(value: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """On a Redis error: log its kind and return ``value`` (a copy when it is a list)."""
    def wrap(method):
        @functools.wraps(method)
        async def guarded(self, *args, **kwargs):
            try:
                return await method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                logger.warning("Redis failed in %s (%s); going on without it", method.__name__, type(error).__name__)
                return list(value) if isinstance(value, list) else value
        return guarded
    return wrap


class RedisState:
    """A gateway's state of one kind in Redis, keyed by the conversation's pseudonym."""

    def __init__(self, url: str, pseudonyms: Pseudonyms, clock: Callable[[], float] = time.time) -> None:
        self.redis = connection.client(url)
        self.pseudonyms = pseudonyms
        self._clock = clock

    def _key(self, kind: str, chat_id: int) -> str:
        return connection.key(kind, self.pseudonyms.sender(chat_id))


# KEYS: the chat's times, its "asked to slow down" flag. ARGV: now, limit, window, count only (1/0).
# Returns 0 allow, 1 slow down, 2 drop: the in-memory limiter's rule (limits.RateLimiter.check).
RATE = """
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]))
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3])) + 1)
if ARGV[4] == '1' then return 0 end
local count = redis.call('LLEN', KEYS[1])
local oldest = tonumber(redis.call('LINDEX', KEYS[1], -1))
if count <= tonumber(ARGV[2]) or tonumber(ARGV[1]) - oldest >= tonumber(ARGV[3]) then
  redis.call('DEL', KEYS[2])
  return 0
end
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
redis.call('SET', KEYS[2], '1', 'EX', math.ceil(tonumber(ARGV[3])) + 1)
return 1
"""
VERDICTS = (Verdict.ALLOW, Verdict.SLOW_DOWN, Verdict.DROP)


class RedisRateLimiter(RedisState):
    def __init__(self, url: str, pseudonyms: Pseudonyms, limit: int = RATE_LIMIT, window: float = RATE_WINDOW,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(url, pseudonyms, clock)
        self.limit = limit
        self.window = window
        self._script = self.redis.register_script(RATE)

    async def _run(self, chat_id: int, count_only: bool) -> Verdict:
        keys = [self._key("gateway-rate", chat_id), self._key("gateway-slowed", chat_id)]
        verdict = await self._script(keys=keys, args=[self._clock(), self.limit, self.window, int(count_only)])
        return VERDICTS[int(verdict)]

    @degrades_to(None)
    async def count(self, chat_id: int) -> None:
        await self._run(chat_id, count_only=True)

    @degrades_to(Verdict.ALLOW)
    async def check(self, chat_id: int) -> Verdict:
        return await self._run(chat_id, count_only=False)


class RedisCallbackPayloads(RedisState):
    """Tokens issued per chat, kept for 48 hours after the chat's last button; the last ``per_chat`` of them."""

    def __init__(self, url: str, pseudonyms: Pseudonyms, per_chat: int = 200,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(url, pseudonyms, clock)
        self.per_chat = per_chat

    def _keys(self, chat_id: int) -> tuple[str, str]:
        return self._key("gateway-buttons", chat_id), self._key("gateway-button-order", chat_id)

    async def encode(self, chat_id: int, payload: str) -> str:
        """The callback_data of a button with this payload, sent to this chat (the same token again for it)."""
        tokens, order = self._keys(chat_id)
        token = None
        try:
            known = await self.redis.hgetall(tokens)
            token = next((key.decode("ascii") for key, value in known.items() if value.decode("utf-8") == payload),
                         None)
            while token is None:
                candidate = secrets.token_urlsafe(TOKEN_BYTES)
                token = None if candidate.encode("ascii") in known else candidate
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hset(tokens, token, payload).zadd(order, {token: self._clock()})
                pipe.expire(tokens, KEEP_FOR).expire(order, KEEP_FOR)
                await pipe.execute()
            if len(known) + 1 > self.per_chat:
                await self._trim(tokens, order)
        except (RedisError, OSError) as error:
            logger.warning("Redis failed in encode (%s); the button will say it expired", type(error).__name__)
            token = token or secrets.token_urlsafe(TOKEN_BYTES)
        return TOKEN + token

    async def _trim(self, tokens: str, order: str) -> None:
        oldest = await self.redis.zrange(order, 0, -self.per_chat - 1)
        if oldest:
            async with self.redis.pipeline(transaction=True) as pipe:
                await pipe.hdel(tokens, *oldest).zrem(order, *oldest).execute()

    @degrades_to(None)
    async def decode(self, chat_id: int, data: str | None) -> str | None:
        """The payload of a button sent to this chat, or None (unknown, another chat's, or expired)."""
        if not data or not data.startswith(TOKEN):
            return None
        value = await self.redis.hget(self._keys(chat_id)[0], data[len(TOKEN):])
        return value.decode("utf-8") if value is not None else None

    @degrades_to(None)
    async def forget(self, chat_id: int) -> None:
        await self.redis.delete(*self._keys(chat_id))
