"""The one switch, ``REDIS_URL``, and the names of every key Veiviser keeps in Redis.

Without REDIS_URL each process keeps its state in its own memory (the
embedded default). With ``REDIS_URL=redis://host:port/db`` (or ``rediss://``
for TLS, with a password in the URL if the server needs one) every process
keeps its shared state there. Keys carry pseudonyms only: the sender ids
Rasa sees are the gateways' HMAC pseudonyms, and the gateway's own keys are
named by the same pseudonyms (``bot.relay.identity``), never by a chat id.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

from redis import asyncio as redis_asyncio

REDIS_URL = "REDIS_URL"
PREFIX = "veiviser:"
SOCKET_TIMEOUT = 2.0  # seconds; a Redis that does not answer is an error, not a hang


def redis_url(environ: Mapping[str, str] | None = None) -> str | None:
    """REDIS_URL if it is set and not empty."""
    url = (environ if environ is not None else os.environ).get(REDIS_URL, "").strip()
    return url or None


def client(url: str) -> redis_asyncio.Redis:
    """An asyncio client for ``url`` (connections are opened on first use, in the running loop)."""
    return redis_asyncio.from_url(url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT,
                                  health_check_interval=30)


def key(kind: str, name: str) -> str:
    """The key of one thing of a kind: ``veiviser:<kind>:{<name>}``.

    The braces are a Redis Cluster hash tag, so every key of one
    conversation lives on the same node.
    """
    return f"{PREFIX}{kind}:{{{name}}}"
