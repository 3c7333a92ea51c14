"""Per-chat message rate and message length.

More than ``limit`` messages within ``window`` seconds: the message is not
forwarded; the first refused message gets a kind request to slow down, the
following ones are dropped silently (answering each would only add to the
flood) until the rate is back under the limit. Every message counts, refused
or not, so the rate is the user's own. A message about acute danger is never
held back: the handlers let it through and only ``count`` it. With
REDIS_URL the windows live in Redis (``bot.relay.shared_state``), shared
by every gateway replica.
"""
from __future__ import annotations

import enum
import time
from collections import OrderedDict, deque

from bot.contract import MAX_TEXT

RATE_LIMIT = 20
RATE_WINDOW = 60.0


class Verdict(enum.Enum):
    ALLOW = "allow"
    SLOW_DOWN = "slow down"  # refuse and say so
    DROP = "drop"  # refuse silently: already said


class RateLimiter:
    def __init__(self, limit: int = RATE_LIMIT, window: float = RATE_WINDOW,
                 max_chats: int = 10_000, clock=time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.max_chats = max_chats
        self._clock = clock
        self._chats: OrderedDict[int, tuple[deque, list[bool]]] = OrderedDict()

    def _record(self, chat_id: int) -> tuple[float, deque, list[bool]]:
        now = self._clock()
        entry = self._chats.get(chat_id)
        if entry is None:
            entry = self._chats[chat_id] = (deque(maxlen=self.limit + 1), [False])
            while len(self._chats) > self.max_chats:
                self._chats.popitem(last=False)
        self._chats.move_to_end(chat_id)
        times, warned = entry
        times.append(now)
        return now, times, warned

    async def count(self, chat_id: int) -> None:
        """Count a message that passes whatever the rate (acute danger); the slow-down request is not used up."""
        self._record(chat_id)

    async def check(self, chat_id: int) -> Verdict:
        """Count a message and judge it."""
        now, times, warned = self._record(chat_id)
        over = len(times) > self.limit and now - times[0] < self.window
        if not over:
            warned[0] = False
            return Verdict.ALLOW
        if warned[0]:
            return Verdict.DROP
        warned[0] = True
        return Verdict.SLOW_DOWN


def shorten(text: str, limit: int = MAX_TEXT) -> tuple[str, bool]:
    """At most ``limit`` characters, cut at a space when one is near the end; says whether it cut."""
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip(), True
