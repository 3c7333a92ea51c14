"""The tracker and lock stores endpoints.yml names: each picks memory or Redis by ``REDIS_URL``.

Rasa builds the stores named in endpoints.yml from their class path, so
these two classes are the switch: creating one returns the store REDIS_URL
asks for, with the settings endpoints.yml gives (settings one store does
not know are ignored by it). The same endpoints.yml serves the embedded
default and production.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.core.lock_store import InMemoryLockStore
from rasa.core.lock_store import LockStore as RasaLockStore
from rasa.core.tracker_store import TrackerStore as RasaTrackerStore
from rasa.shared.core.domain import Domain

from bot.stores.connection import redis_url

logger = logging.getLogger(__name__)


class TrackerStore:
    """``tracker_store: type: bot.stores.endpoints.TrackerStore``."""

    def __new__(cls, domain: Domain, event_broker: Any = None, host: Any = None, **settings: Any) -> RasaTrackerStore:
        url = redis_url()
        if url:
            from bot.stores.redis_conversations import RedisConversationStore

            logger.info("Conversations are kept in Redis (REDIS_URL).")
            return RedisConversationStore(domain, event_broker, url=url, **settings)
        from bot.stores.memory import ForgetfulTrackerStore

        settings.pop("cache_size", None)
        return ForgetfulTrackerStore(domain, event_broker, **settings)


class LockStore:
    """``lock_store: type: bot.stores.endpoints.LockStore``."""

    def __new__(cls, endpoint_config: Any = None) -> RasaLockStore:
        url = redis_url()
        if url:
            from bot.stores.redis_locks import RedisTurnLocks

            settings = dict(getattr(endpoint_config, "kwargs", None) or {})
            return RedisTurnLocks(url, lifetime=float(settings.get("lifetime_seconds", 6.0)))
        return InMemoryLockStore()
