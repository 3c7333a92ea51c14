"""The web chat's HTTP server (aiohttp): the page, its two static files, turns, erasing, health.

Every response carries a strict Content-Security-Policy (nothing from
elsewhere, no inline script or style), ``Cache-Control: no-store`` and no
referrer. Turns are JSON posted from
the page's own origin only. No access log: a request line is enough to link
a person to a visit. Errors are logged by kind and place, never with a text
or an id, and the page answers them with its own emergency numbers.
"""
from __future__ import annotations

import asyncio
import json
import logging
import traceback
from pathlib import Path

from aiohttp import web

from bot.nlu import keywords
from bot.web.chat import BadRequest, WebChat
from bot.web.config import WebConfig
from bot.web.page import render_page

logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {name: ((STATIC / name).read_bytes(), kind)  # read once: they change only with the code
          for name, kind in (("chat.js", "text/javascript"), ("chat.css", "text/css"))}
MAX_BODY = 16 * 1024  # bytes of one request: a message is at most MAX_TEXT characters
CHAT = web.AppKey("chat", WebChat)
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                                "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


@web.middleware
async def guard(request: web.Request, handler):
    """Security headers on everything; a failure answered without details and logged by kind and place."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
    except BadRequest as error:
        response = web.json_response({"error": str(error)}, status=400)
    except Exception as error:  # noqa: BLE001 - the one place errors end
        frames = traceback.extract_tb(error.__traceback__)
        where = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
        logger.error("web chat: %s at %s", type(error).__name__, where)
        response = web.json_response({"error": "server"}, status=500)
    response.headers.update(SECURITY_HEADERS)
    return response


async def _json(request: web.Request) -> dict:
    """The posted JSON object, only from this page: same origin, JSON content type."""
    if request.content_type != "application/json":
        raise BadRequest("content type")
    site = request.headers.get("Sec-Fetch-Site")
    if site not in (None, "same-origin"):
        raise BadRequest("origin")
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("json") from None
    if not isinstance(body, dict):
        raise BadRequest("json")
    return body


async def page(request: web.Request) -> web.Response:
    chat = request.app[CHAT]
    language = chat.page_language(request.query.get("lang"), request.headers.get("Accept-Language"))
    body = render_page(chat.texts(language), chat.menu(), chat.config.exit_url)
    return web.Response(text=body, content_type="text/html", charset="utf-8")


async def asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise web.HTTPNotFound()
    body, kind = ASSETS[name]
    return web.Response(body=body, content_type=kind, charset="utf-8")


async def texts(request: web.Request) -> web.Response:
    chat = request.app[CHAT]
    code = request.match_info["language"]
    if code not in chat.languages.shipped:
        raise web.HTTPNotFound()
    return web.json_response(chat.texts(code))


async def message(request: web.Request) -> web.Response:
    chat = request.app[CHAT]
    turn = await chat.message(await _json(request), request.headers.get("Accept-Language"))
    return web.json_response(turn.json(), status=429 if turn.limited and not turn.messages else 200)


async def forget(request: web.Request) -> web.Response:
    chat = request.app[CHAT]
    turn = await chat.forget(await _json(request), request.headers.get("Accept-Language"))
    return web.json_response(turn.json())


async def no_icon(request: web.Request) -> web.Response:
    """Browsers ask for /favicon.ico; "no content" rather than a 404 in the console."""
    return web.Response(status=204)


async def live(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def ready(request: web.Request) -> web.Response:
    """Ready when Rasa answers; the page itself works without it (the emergency numbers)."""
    up = await request.app[CHAT].rasa.ready()
    return web.Response(text="ready" if up else "Rasa is not answering", status=200 if up else 503)


def make_app(config: WebConfig) -> web.Application:
    app = web.Application(middlewares=[guard], client_max_size=MAX_BODY)
    app[CHAT] = WebChat(config)
    app.router.add_get("/", page)
    app.router.add_get("/static/{name}", asset)
    app.router.add_get("/texts/{language}", texts)
    app.router.add_post("/message", message)
    app.router.add_post("/forget", forget)
    app.router.add_get("/favicon.ico", no_icon)
    app.router.add_get("/live", live)
    app.router.add_get("/ready", ready)

    async def close(app: web.Application) -> None:
        await app[CHAT].close()

    app.on_cleanup.append(close)
    return app


async def serve(config: WebConfig, stop: asyncio.Event) -> None:
    """Serve until ``stop`` is set; no access log (it would link a person to a visit)."""
    keywords.prepare()  # the first message, perhaps a cry for help, does not wait for the patterns
    runner = web.AppRunner(make_app(config), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, config.host, config.port).start()
        logger.info("The web chat is at http://%s:%d/", config.host, config.port)
        await stop.wait()
    finally:
        await runner.cleanup()
