"""An aiohttp application on a free port of 127.0.0.1: the stand-ins the benchmarks and the tests serve.

It logs nothing (no access log): a stand-in sees message texts.
"""
from __future__ import annotations

from aiohttp import web


class LocalServer:
    """Serve ``self.app`` on 127.0.0.1 at a port the system picks; ``port`` is known after ``start()``."""

    def __init__(self) -> None:
        self.app = web.Application()
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
