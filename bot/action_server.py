"""The action server (``python -m bot.action_server --port P``): rasa-sdk's app, safe to fail.

rasa-sdk answers an exception in an action with ``{"error": …,
"request_body": <the whole request>}`` and logs the request: every text of
the conversation and its slots. Here the same app (``rasa_sdk.endpoint.
create_app`` with our actions) answers 500 with the kind of error only and
logs the action's name, the kind of error and where it happened — never a
message, a slot value or the sender. It listens on 127.0.0.1 unless told
otherwise: only Rasa on the same host calls it.
"""
from __future__ import annotations

import argparse
import logging
import os
import traceback

from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger("bot.action_server")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5055


def where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    return f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"


def action_name(request: Request) -> str:
    try:
        name = (request.json or {}).get("next_action")
    except Exception:  # noqa: BLE001 - not JSON
        return "?"
    return name if isinstance(name, str) and name.isidentifier() else "?"


async def on_exception(request: Request, error: Exception) -> HTTPResponse:
    logger.error("Action %s failed: %s at %s", action_name(request), type(error).__name__, where(error))
    return response.json({"error": type(error).__name__}, status=500)


async def live(_: Request) -> HTTPResponse:
    return response.json({"status": "live"})


def build_app(package: str = "actions"):
    """rasa-sdk's app with our error handler, and /live and /ready beside its /health.

    The actions are loaded before the app serves its first request, so a
    server that answers is ready: /ready is /live under the name an
    orchestrator expects.
    """
    app = create_app(package)
    app.error_handler.add(Exception, on_exception)
    app.add_route(live, "/live", methods=["GET"], name="live")
    app.add_route(live, "/ready", methods=["GET"], name="ready")
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("VEIVISER_ACTIONS_PORT", DEFAULT_PORT)))
    parser.add_argument("--host", default=os.environ.get("VEIVISER_ACTIONS_HOST", DEFAULT_HOST))
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s - %(message)s")
    logger.info("Action server on http://%s:%d", args.host, args.port)
    build_app(args.actions).run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
