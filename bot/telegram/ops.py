"""The gateway's health and metrics (VEIVISER_OPS_PORT): /live, /ready and /metrics, no chat data.

- ``/live``: 200 while the gateway's event loop runs;
- ``/ready``: 200 while it takes updates (polling or its webhook server
  started), 503 otherwise. Rasa being down does not make the gateway
  unready: it then answers with the emergency numbers itself;
- ``/metrics``: Prometheus's text format: updates by kind, turn latency,
  answers sent without Rasa, rate-limited updates, errors.

Labels are bounded (a kind of update, never a chat, a text or a language
the user did not pick from the shipped list).
"""
from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

UPDATES = Counter("veiviser_gateway_updates", "Telegram updates handled, by kind", ["kind"])
TURN_SECONDS = Histogram("veiviser_gateway_turn_seconds", "From an update's arrival to the last message sent",
                         buckets=(0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10))
RASA_UNREACHABLE = Counter("veiviser_gateway_rasa_unreachable",
                           "Answers the gateway sent itself (apology and emergency numbers) because Rasa failed")
RATE_LIMITED = Counter("veiviser_gateway_rate_limited", "Updates held back by the rate limit")
ERRORS = Counter("veiviser_gateway_errors", "Updates whose handling failed")


async def start_server(listen: str, port: int, is_ready: Callable[[], bool]) -> web.AppRunner:
    """Serve the three endpoints on ``listen:port``; stop with ``await runner.cleanup()``."""
    async def live(_: web.Request) -> web.Response:
        return web.json_response({"status": "live"})

    async def ready(_: web.Request) -> web.Response:
        if is_ready():
            return web.json_response({"status": "ready"})
        return web.json_response({"status": "not ready"}, status=503)

    async def metrics(_: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.add_routes([web.get("/live", live), web.get("/ready", ready), web.get("/metrics", metrics)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    return runner
