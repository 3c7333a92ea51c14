"""The loop both gateways' commands run in: serve until SIGINT or SIGTERM, supervising meanwhile.

``veiviser telegram``, ``veiviser web`` and ``veiviser run`` (which passes
``Stack.restart_dead`` as the supervisor, so a dead action server or Rasa
is started again while the gateway keeps answering).

The loop is uvloop's (installed with Rasa's Sanic, which runs on it too):
its sockets and callbacks cost the gateway about a quarter less CPU per
call than asyncio's own loop, and at 20 chats the gateway's CPU is what
the answers queue for (docs/production.md).
"""
from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

import uvloop

logger = logging.getLogger(__name__)


def serve_until_stopped(serve: Callable[[asyncio.Event], Awaitable[None]],
                        supervise: Callable[[], object] | None = None) -> int:
    """Run ``serve(stop)`` until SIGINT or SIGTERM sets ``stop``; ``supervise()`` is called every second."""

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)

        async def watch() -> None:
            while not stop.is_set():
                await asyncio.sleep(1)
                try:
                    supervise()
                except Exception as error:  # noqa: BLE001 - keep serving; try again in a second
                    logger.error("Restarting a server failed: %s", type(error).__name__)

        watcher = asyncio.create_task(watch()) if supervise else None
        try:
            await serve(stop)
        finally:
            if watcher is not None:
                watcher.cancel()
        return 0

    return uvloop.run(main())


def read_settings(load: Callable[[], object], command: str, what: str, doc: str):
    """``load()``'s settings, or None after saying on stderr what is missing or wrong (``ConfigError``)."""
    from bot.relay.settings import ConfigError

    try:
        return load()
    except ConfigError as error:
        print(f"veiviser {command}: {what} cannot start:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        print(f"  ({doc} explains every setting.)", file=sys.stderr)
        return None
