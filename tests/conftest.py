"""Shared fixtures: rasa-sdk trackers built from dictionaries (as in RasaHQ/financial-demo),
the project's domain, and the trained model loaded once per session."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import paths


def make_sdk_tracker(
    text: str = "",
    intent: str = "greet",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    return Tracker(
        sender_id="test",
        slots={"language": "en", "language_chosen": False, "country": None, **(slots or {})},
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture
def sdk_tracker():
    return make_sdk_tracker


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def domain():
    from rasa.shared.core.domain import Domain

    return Domain.load(str(paths.DOMAIN))


@pytest.fixture(scope="session")
def agent():
    """The trained model (``make test`` trains it first)."""
    import structlog
    from rasa.core.agent import Agent

    if not paths.MODEL.exists():
        pytest.fail(f"{paths.MODEL} is missing: run `make train` (make test does it for you)")
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    return Agent.load(str(paths.MODEL))


@pytest.fixture(scope="session")
def parse(agent):
    loop = asyncio.new_event_loop()

    def _parse(text: str) -> dict[str, Any]:
        return loop.run_until_complete(agent.parse_message(text))

    yield _parse
    loop.close()


@pytest.fixture
def run_action():
    """Run a custom action on a tracker; returns (messages sent, events returned)."""

    async def _run(action, tracker):
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, tracker, {})
        return dispatcher.messages, events

    return _run


@pytest.fixture
def slots_of():
    """The slot values an action's events set."""
    return lambda events: {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture(scope="session")
def e2e_stack():
    """One running assistant (action server and Rasa on free ports) for every end-to-end module."""
    from bot.stack import Stack

    with Stack() as running:
        yield running


@pytest.fixture
def talk(e2e_stack):
    """A new conversation over the REST channel; a text starting with "/" is a button's payload."""
    import uuid

    import httpx

    from bot.stack import send

    client = httpx.Client()
    sender = uuid.uuid4().hex

    def _talk(text, language_code=None):
        return send(client, e2e_stack.webhook, sender, text, language_code, payload=text.startswith("/"))

    yield _talk
    client.close()


@pytest.fixture(scope="session")
def local_redis():
    """A real redis-server on a free port (Debian's package), for every test that needs Redis."""
    from bot.stores.local_redis import LocalRedis

    try:
        server = LocalRedis().start()
    except FileNotFoundError as missing:
        pytest.fail(str(missing))
    yield server
    server.stop()


@pytest.fixture
def redis_url(local_redis):
    """The URL of the test Redis, emptied before the test."""
    with local_redis.client() as client:
        client.flushall()
    return local_redis.url
