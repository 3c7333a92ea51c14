"""Is a service open now, and when does that change — in the place's own time zone."""
from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

ALWAYS = "24/7"


@dataclass(frozen=True)
class Openness:
    state: str  # "always", "open", "closed" or "unknown"
    change: dt.datetime | None = None  # local time of the next opening or closing


@functools.lru_cache(maxsize=1024)
def _parsed(expression: str):
    from opening_hours import OpeningHours

    return OpeningHours(expression)


def local_now(time_zone: str, now: dt.datetime | None = None) -> dt.datetime:
    """``now`` (aware, default: the real time) as naive local time in ``time_zone``."""
    moment = now or dt.datetime.now(dt.timezone.utc)
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).replace(tzinfo=None)


def openness(expression: str | None, local: dt.datetime) -> Openness:
    if not expression:
        return Openness("unknown")
    if expression.strip() == ALWAYS:
        return Openness("always")
    hours = _parsed(expression)
    if hours.is_unknown(local):
        return Openness("unknown")
    change = hours.next_change(local)
    return Openness("open" if hours.is_open(local) else "closed", change)
