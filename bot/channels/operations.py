"""Health and metrics of a Rasa replica, for a load balancer, an orchestrator and Prometheus.

A channel (named in ``credentials.yml``), so Rasa's own server carries it:

- ``GET /webhooks/ops/live``: 200 while the process serves HTTP (restart it otherwise);
- ``GET /webhooks/ops/ready``: 200 once the model is loaded and, with
  REDIS_URL, Redis answers; 503 with the reason otherwise (send it no
  messages meanwhile);
- ``GET /webhooks/ops/metrics``: Prometheus's text format (``bot.metrics``).

None of them reads or says anything about a conversation.

Its blueprint also carries the server's start and stop hooks
(``bot.channels.lifecycle``): after start, the loaded model is kept out of
the garbage collector's full passes (speed-up ``heap``); after stop, the
speed-ups' kept-open connections are closed.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import lifecycle


async def readiness(request: Request) -> str | None:
    """Why this replica cannot take messages yet, or None when it can."""
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or not agent.is_ready():
        return "the model is not loaded yet"
    store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)  # inside Rasa's FailSafeTrackerStore
    redis = getattr(store, "redis", None)
    if redis is not None:
        try:
            await redis.ping()
        except Exception as error:  # noqa: BLE001 - any failure means not ready
            return f"Redis does not answer ({type(error).__name__})"
    return None


class OperationsChannel(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "ops"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        ops = Blueprint("veiviser_ops", __name__)
        lifecycle.register(ops)

        @ops.route("/live", methods=["GET"])
        async def live(_: Request) -> HTTPResponse:
            return response.json({"status": "live"})

        @ops.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            reason = await readiness(request)
            if reason:
                return response.json({"status": "not ready", "reason": reason}, status=503)
            return response.json({"status": "ready"})

        @ops.route("/metrics", methods=["GET"])
        async def metrics(_: Request) -> HTTPResponse:
            return response.raw(generate_latest(), content_type=CONTENT_TYPE_LATEST)

        return ops
