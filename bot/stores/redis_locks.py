"""One turn of a conversation at a time over every replica: a fair ticket lock in Redis.

Rasa's own ``RedisLockStore`` reads the lock, changes it in Python and
writes it back (get, then set): two replicas taking a ticket for the same
conversation at the same moment can both read "free" and both go on, and a
waiter polls once a second. Here every step is one Lua script, so it is
atomic in Redis, and the time is Redis's own (replicas' clocks may differ):

- ``take``: a ticket number from the conversation's counter, queued in order,
  and whether it is first already (the usual case: one round trip);
- ``try``: drop tickets whose holder stopped renewing them (a replica that
  was killed), renew our own, and report whether ours is first;
- ``give back``: remove our ticket.

While a turn runs its holder renews the ticket every ``lifetime / 3``, so a
long turn keeps the lock and a killed replica's lock frees itself within
``lifetime`` seconds (default 6). Waiters poll every few milliseconds, so
the next message of a conversation starts as soon as the previous ends.

When Redis does not answer, a message takes this replica's own lock
instead (Rasa's in-memory lock store), as the conversation store then keeps
the conversation in this replica's memory too (``redis_conversations``).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockError, LockStore
from redis.exceptions import RedisError

from bot.stores import connection

logger = logging.getLogger(__name__)
POLL_FIRST = 0.002  # seconds between tries while another turn of the conversation runs
POLL_MOST = 0.05
WAIT_AT_MOST = 60.0  # a message that waits longer than this for its turn fails (as in Rasa)

# KEYS: counter, queue (ticket -> ticket number), deadlines (ticket -> ms). ARGV: ticket, lifetime in ms.
# Drops tickets whose holder stopped renewing them, renews ARGV[1]'s; 1 if it is first, 0 if it waits,
# -1 if it was dropped. TRY is this alone; TAKE first takes a ticket and returns {ticket, this}.
_FIRST_IN_LINE = """
local now = redis.call('TIME')
now = now[1] * 1000 + math.floor(now[2] / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, other in ipairs(expired) do
  if other ~= ticket then
    redis.call('ZREM', KEYS[2], other)
    redis.call('ZREM', KEYS[3], other)
  end
end
if not redis.call('ZSCORE', KEYS[2], ticket) then return -1 end
redis.call('ZADD', KEYS[3], now + lifetime, ticket)
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], lifetime * 10) end
local first = redis.call('ZRANGE', KEYS[2], 0, 0)
if first[1] == ticket then return 1 end
return 0
"""
TRY = f"""
local ticket, lifetime = ARGV[1], tonumber(ARGV[2])
local function first_in_line() {_FIRST_IN_LINE} end
return first_in_line()
"""
# ARGV: lifetime in ms.
TAKE = f"""
local lifetime = tonumber(ARGV[1])
local number = redis.call('INCR', KEYS[1])
local ticket = tostring(number)
redis.call('ZADD', KEYS[2], number, ticket)
local function first_in_line() {_FIRST_IN_LINE} end
return {{number, first_in_line()}}
"""
GIVE_BACK = """
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return 1
"""


class RedisTurnLocks(LockStore):
    def __init__(self, url: str, lifetime: float = 6.0) -> None:
        super().__init__()
        self.redis = connection.client(url)
        self.lifetime_ms = max(1000, round(float(lifetime) * 1000))
        self._take = self.redis.register_script(TAKE)
        self._try = self.redis.register_script(TRY)
        self._give_back = self.redis.register_script(GIVE_BACK)
        self.local = InMemoryLockStore()

    @staticmethod
    def keys_of(conversation_id: str) -> list[str]:
        return [connection.key(kind, conversation_id) for kind in ("lock-counter", "lock-queue", "lock-deadlines")]

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = 0, wait_time_in_seconds: float = 0,
                   ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock for the block (Rasa's lifetime and wait arguments are ignored: see above)."""
        keys = self.keys_of(conversation_id)
        try:
            ticket, state = map(int, await self._take(keys=keys, args=[self.lifetime_ms]))
        except (RedisError, OSError) as error:
            logger.warning("Redis failed while taking a turn lock (%s); using this replica's own lock.",
                           type(error).__name__)
            async with self.local.lock(conversation_id) as lock:
                yield lock
            return
        renewing: asyncio.Task | None = None
        try:
            await self._wait_for_turn(keys, ticket, state)
            renewing = asyncio.create_task(self._renew(keys, ticket))
            yield TicketLock(conversation_id)
        finally:
            if renewing is not None:
                renewing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewing
            try:
                await asyncio.shield(self._give_back(keys=keys, args=[ticket]))
            except Exception as error:  # noqa: BLE001 - the ticket expires by itself
                logger.warning("Could not give back a conversation lock (%s); it expires by itself.",
                               type(error).__name__)

    async def _wait_for_turn(self, keys: list[str], ticket: int, state: int) -> None:
        """Return once ``ticket`` is first; ``state`` is what taking it answered (1: first already)."""
        pause, waited = POLL_FIRST, 0.0
        while state != 1:
            if state == -1 or waited > WAIT_AT_MOST:
                raise LockError("A message waited too long for the previous turn of its conversation.")
            await asyncio.sleep(pause)
            waited += pause
            pause = min(POLL_MOST, pause * 2)
            state = int(await self._try(keys=keys, args=[ticket, self.lifetime_ms]))

    async def _renew(self, keys: list[str], ticket: int) -> None:
        while True:
            await asyncio.sleep(self.lifetime_ms / 3000)
            with contextlib.suppress(Exception):  # a missed renewal is retried; the ticket lives `lifetime`
                await self._try(keys=keys, args=[ticket, self.lifetime_ms])
