"""The Telegram gateway under load, in front of our stack.

The gateway runs as in production (``veiviser telegram`` in webhook mode)
against our Rasa. The Bot API it calls is a small stand-in in this process
that answers the methods the gateway uses and notes the messages it is
asked to send. Every scripted message opens a new chat, and is timed from
posting the user's update to the gateway's webhook until the first answer in
that chat reaches the stand-in — what the person sees first. (Within one chat
the end of a turn cannot be seen from outside: how many messages an answer
has varies, as Rasa picks one of a response's variants at random.)
"""
from __future__ import annotations

import asyncio
import itertools
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot import paths
from bot.benchmarks.load import CONVERSATIONS, Load, peak_rss_mb
from bot.benchmarks.local_server import LocalServer
from bot.stack import free_port, quiet_environment, stop_groups

TOKEN = "123456789:BenchmarkStandInToken_abcdefghijklmno"
BOT = {"id": 123456789, "is_bot": True, "first_name": "Veiviser", "username": "veiviser_bench_bot"}


class BotAPIStandIn(LocalServer):
    """Just enough of the Telegram Bot API for the gateway, on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: set[int] = set()  # chats that got a message
        self._waiting: dict[int, asyncio.Future] = {}
        self._message_ids = itertools.count(1)
        self.webhook_set = asyncio.Event()
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def first_answer(self, chat_id: int) -> asyncio.Future:
        """A future that is done once a message has been sent to ``chat_id``."""
        future = asyncio.get_running_loop().create_future()
        if chat_id in self.answered:
            future.set_result(None)
        else:
            self._waiting[chat_id] = future
        return future

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await request.json() if request.content_type == "application/json" else dict(await request.post())
        result: Any = True
        if method == "getMe":
            result = BOT
        elif method == "setWebhook":
            self.webhook_set.set()
        elif method == "getWebhookInfo":
            result = {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        elif method == "sendMessage":
            chat_id = int(params["chat_id"])
            result = {"message_id": next(self._message_ids), "date": int(time.time()),
                      "chat": {"id": chat_id, "type": "private"}, "from": BOT, "text": params.get("text", "")}
            self.answered.add(chat_id)
            waiting = self._waiting.pop(chat_id, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(None)
        return web.json_response({"ok": True, "result": result})


class Gateway:
    """``veiviser telegram`` in webhook mode, pointed at the stand-in and at Rasa."""

    def __init__(self, standin: BotAPIStandIn, rasa_url: str, log_dir: Path) -> None:
        self.port = free_port()
        self.secret = secrets.token_urlsafe(24)
        self.webhook = f"http://127.0.0.1:{self.port}/telegram"
        env = quiet_environment()
        env.update({
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": standin.base_url, "RASA_URL": rasa_url,
            "TELEGRAM_WEBHOOK_URL": self.webhook, "TELEGRAM_WEBHOOK_SECRET": self.secret,
            "TELEGRAM_WEBHOOK_PORT": str(self.port), "VEIVISER_SECRET": secrets.token_urlsafe(32),
        })
        with open(log_dir / "gateway.log", "wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "telegram"], cwd=paths.ROOT, env=env,
                                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)

    def stop(self) -> None:
        stop_groups([self.process])


def _update(update_id: int, chat_id: int, language: str, text: str) -> dict:
    user = {"id": chat_id, "is_bot": False, "first_name": "Bench", "language_code": language}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text, "from": user,
        "chat": {"id": chat_id, "type": "private", "first_name": "Bench"}}}


class Driver:
    def __init__(self, gateway: Gateway, standin: BotAPIStandIn) -> None:
        self.gateway, self.standin = gateway, standin
        self._ids = itertools.count(1)
        self._chats = itertools.count(7_000_000_001)

    async def _post(self, client: aiohttp.ClientSession, chat_id: int, language: str, text: str) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.gateway.secret}
        async with client.post(self.gateway.webhook, json=_update(next(self._ids), chat_id, language, text),
                               headers=headers) as response:
            response.raise_for_status()

    async def conversation(self, client: aiohttp.ClientSession, language: str, load: Load) -> None:
        """The script's messages, each the first message of a new chat."""
        for text in CONVERSATIONS[language]:
            chat_id = next(self._chats)
            start = time.perf_counter()
            try:
                await self._post(client, chat_id, language, text)
                await asyncio.wait_for(self.standin.first_answer(chat_id), timeout=60)
            except (aiohttp.ClientError, asyncio.TimeoutError):
                load.errors += 1
                continue
            load.latencies_ms.append((time.perf_counter() - start) * 1000)

    async def drive(self, concurrency: int, conversations: int, load: Load) -> None:
        languages = list(CONVERSATIONS)
        queue = [languages[i % len(languages)] for i in range(conversations)]
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as client:

            async def worker() -> None:
                while queue:
                    await self.conversation(client, queue.pop(), load)

            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            load.seconds += time.perf_counter() - start


async def measure(rasa_url: str, log_dir: Path, levels: dict[int, int]) -> dict:
    """Start the stand-in and the gateway, drive ``levels`` (concurrency -> conversations); the figures."""
    standin = BotAPIStandIn()
    await standin.start()
    gateway = Gateway(standin, rasa_url, log_dir)
    try:
        await asyncio.wait_for(standin.webhook_set.wait(), timeout=60)
        await _until_listening(gateway)
        driver = Driver(gateway, standin)
        results: dict = {"levels": {}}
        for concurrency, conversations in levels.items():
            load = Load()
            await driver.drive(concurrency, conversations, load)
            results["levels"][str(concurrency)] = load.summary()
        results["peak_rss_mb"] = peak_rss_mb(gateway.process.pid)
        return results
    finally:
        gateway.stop()
        await standin.stop()


def format_rows(result: dict) -> list[str]:
    """The gateway row of ``measure``'s result, one line per level of chats at once."""
    lines = ["through the Telegram gateway (ours; update posted to its webhook -> first answer sent):"]
    for level, summary in result["levels"].items():
        lines.append(f"{level:>3} conversations  p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, "
                     f"p99 {summary['p99_ms']} ms, {summary['messages_per_s']} messages/s, {summary['errors']} errors")
    return lines


async def _until_listening(gateway: Gateway, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if gateway.process.poll() is not None:
            raise RuntimeError("the gateway stopped while starting; see gateway.log")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise TimeoutError("the gateway's webhook did not listen in time")
