"""A fake Telegram Bot API server and a fake Rasa REST channel, both aiohttp on 127.0.0.1.

``FakeTelegram`` speaks the Bot API methods the gateway (and python-telegram-bot
underneath it) calls, records every call, queues updates for getUpdates, keeps
the messages of each chat with Telegram's per-chat message ids, and can be
told to fail a method (e.g. HTTP 429 with retry_after). ``FakeRasa`` answers
like Rasa's REST channel and can be made slow, erroring or unreachable; like
the real channel it reads a message as a payload only when the metadata flag
it with ``bot.contract.PAYLOAD_FLAG``, and it records every request, metadata
included.
"""
from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.benchmarks.local_server import LocalServer
from bot.contract import PAYLOAD_FLAG

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
SECRET = "test-secret-key-for-pseudonyms-0123456789"  # VEIVISER_SECRET in the tests
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Veiviser", "username": "veiviser_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}
JSON_FIELDS = {"chat_id", "message_id", "message_ids", "reply_markup", "offset", "limit", "timeout",
               "allowed_updates", "link_preview_options", "max_connections", "drop_pending_updates",
               "show_alert", "cache_time"}
MAX_LONG_POLL = 0.5  # seconds; keeps the tests and the shutdown quick


class FakeTelegram(LocalServer):
    def __init__(self, token: str = TOKEN) -> None:
        super().__init__()
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures: dict[str, list[tuple[int, dict]]] = defaultdict(list)
        self.messages: dict[int, dict[int, dict]] = defaultdict(dict)  # chat -> id -> message
        self.deleted: dict[int, set[int]] = defaultdict(set)
        self.webhook: dict[str, Any] = {}
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1))
        self._callback_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # -- the HTTP side --------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        if self.failures[method]:
            status, body = self.failures[method].pop(0)
            return web.json_response(body, status=status)
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found: method not found"},
                                     status=404)
        try:
            result = await handler(params)
        except LookupError as error:
            return web.json_response({"ok": False, "error_code": 400, "description": f"Bad Request: {error.args[0]}"},
                                     status=400)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        params = {}
        for key, value in form.items():
            params[key] = json.loads(value) if key in JSON_FIELDS and isinstance(value, str) else value
        return params

    # -- Bot API methods ----------------------------------------------------------------
    async def api_getMe(self, params):
        return BOT_USER

    async def api_deleteWebhook(self, params):
        self.webhook = {}
        return True

    async def api_setWebhook(self, params):
        self.webhook = dict(params)
        return True

    async def api_getWebhookInfo(self, params):
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}

    async def api_getUpdates(self, params):
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), MAX_LONG_POLL)
        while not self._updates and time.monotonic() < deadline:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
            except asyncio.TimeoutError:
                break
        return self._updates[: int(params.get("limit") or 100)]

    async def api_sendMessage(self, params):
        chat_id = int(params["chat_id"])
        message = {"message_id": next(self._message_ids[chat_id]), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER, "text": params["text"]}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[chat_id][message["message_id"]] = message
        return message

    async def api_sendChatAction(self, params):
        return True

    async def api_answerCallbackQuery(self, params):
        return True

    async def api_deleteMessage(self, params):
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        if message_id not in self.messages[chat_id] or message_id in self.deleted[chat_id]:
            raise LookupError("message to delete not found")
        self.deleted[chat_id].add(message_id)
        return True

    async def api_deleteMessages(self, params):
        chat_id = int(params["chat_id"])
        ids = [int(i) for i in params["message_ids"]]
        if not 1 <= len(ids) <= 100:
            raise LookupError("too many messages to delete")
        self.deleted[chat_id].update(i for i in ids if i in self.messages[chat_id])
        return True

    # -- what users do ------------------------------------------------------------------
    def push(self, update: dict) -> dict:
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._new_update.set()
        return update

    @staticmethod
    def user(chat_id: int, language_code: str | None = "nb") -> dict:
        user = {"id": chat_id, "is_bot": False, "first_name": "Ingrid", "last_name": "Hemmeligsen",
                "username": f"ingrid_secret_{chat_id}"}
        if language_code:
            user["language_code"] = language_code
        return user

    def new_message(self, chat_id: int, language_code: str | None = "nb", chat_type: str = "private",
                    **content: Any) -> dict:
        """A message from the user (a private chat's id is the user's id); returns the update."""
        message_id = next(self._message_ids[chat_id])
        message = {"message_id": message_id, "date": int(time.time()),
                   "chat": {"id": chat_id, "type": chat_type, "first_name": "Ingrid", "username": f"ingrid_secret_{chat_id}"},
                   "from": self.user(chat_id, language_code), **content}
        if chat_type != "private":
            message["chat"] = {"id": chat_id, "type": chat_type, "title": "A group"}
        text = content.get("text")
        if isinstance(text, str) and text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self.messages[chat_id][message_id] = message
        return self.push({"message": message})

    def say(self, chat_id: int, text: str, language_code: str | None = "nb") -> int:
        return self.new_message(chat_id, language_code, text=text)["message"]["message_id"]

    def press(self, chat_id: int, data: str, message_id: int | None = None, language_code: str | None = "nb") -> str:
        """Press an inline button with this callback_data; returns the callback query id."""
        if message_id is None:
            message_id = max(i for i, m in self.messages[chat_id].items() if m.get("reply_markup"))
        query_id = f"cb{next(self._callback_ids)}"
        self.push({"callback_query": {"id": query_id, "from": self.user(chat_id, language_code),
                                      "chat_instance": f"instance{chat_id}", "data": data,
                                      "message": self.messages[chat_id][message_id]}})
        return query_id

    # -- what the tests look at ---------------------------------------------------------
    def called(self, method: str) -> list[dict]:
        return [params for name, params in self.calls if name == method]

    def sent(self, chat_id: int) -> list[dict]:
        return [p for p in self.called("sendMessage") if int(p["chat_id"]) == chat_id]

    def texts(self, chat_id: int) -> list[str]:
        return [p["text"] for p in self.sent(chat_id)]

    def answered(self, query_id: str) -> list[dict]:
        return [p for p in self.called("answerCallbackQuery") if p.get("callback_query_id") == query_id]

    def visible(self, chat_id: int) -> list[int]:
        """Ids of the messages still in the chat."""
        return sorted(set(self.messages[chat_id]) - self.deleted[chat_id])

    def flood(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        for _ in range(times):
            self.failures[method].append((429, {"ok": False, "error_code": 429,
                                                "description": f"Too Many Requests: retry after {retry_after}",
                                                "parameters": {"retry_after": retry_after}}))


async def wait_until(predicate, timeout: float = 10.0, what: str = "the condition"):
    """Poll ``predicate`` (a function or a coroutine function) until it returns something truthy; return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.02)


async def next_text(telegram: FakeTelegram, chat_id: int, count: int, timeout: float = 10.0) -> str:
    """Wait until the chat has ``count`` bot messages; return the text of message number ``count``."""
    texts = await wait_until(lambda: len(telegram.texts(chat_id)) >= count and telegram.texts(chat_id),
                             timeout, f"bot message #{count}")
    return texts[count - 1]


ANNA, BO = 5550001234, 5550005678  # chat ids (= user ids in private chats)
HELLO = {"nb": "Hei! Jeg er her for deg.", "sv": "Hej! Jag är här för dig.", "da": "Hej! Jeg er her for dig.",
         "en": "Hello! I am here for you."}
LONG_PAYLOAD = '/inform_location{"municipality":"4601","country":"NO","name":"Bergen","county":"46"}'


def rasa_answer(body: dict) -> list[dict]:
    """What the fake Rasa says: enough of the real REST channel's shapes for every test."""
    sender, text = body["sender"], body["message"]
    metadata = body.get("metadata") or {}
    language = metadata.get("language_code") or "en"
    flagged = metadata.get(PAYLOAD_FLAG) is True  # only then is "/…" an intent, as in the real channel

    def msg(**fields):
        return {"recipient_id": sender, **fields}

    if not flagged and text.startswith("/"):
        return [msg(text=f"words: {text}")]
    if text == "/forget_me" or text == "delete my conversation":
        return [msg(text="Erased. Starting again."), msg(custom={"erase_chat": True})]
    if text.startswith("/choose_language"):
        chosen = json.loads(text[len("/choose_language"):])["language"]
        return [msg(text=f"language set: {chosen}")]
    if text == "buttons please":
        return [msg(text="Where are you?", buttons=[
            {"title": "Bergen", "payload": LONG_PAYLOAD},
            {"title": "I need help", "payload": "/find_help"},
            {"title": "More", "url": "https://example.org/more"},
        ])]
    if text == "a long answer please":  # Rasa sends each paragraph as its own message
        return [msg(text=f"Paragraph {i}: " + "word " * 150) for i in range(12)]
    if text == "markup please":
        return [msg(text="Use <b>bold</b> & stay safe")]
    if text.startswith("/inform_location") or text == "/find_help":
        return [msg(text=f"payload received ({len(text)} characters)")]
    if text.startswith("/"):
        return [msg(text=f"payload: {text}")]
    return [msg(text=HELLO.get(language[:2], HELLO["en"]))]


class FakeRasa(LocalServer):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[dict] = []
        self.delay = 0.0
        self.status = 200
        self.respond = rasa_answer
        self.app.router.add_post("/webhooks/rest/webhook", self._handle)
        self.app.router.add_get("/", self._hello)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def messages(self) -> list[str]:
        return [r["message"] for r in self.requests]

    def payloads(self) -> list[str]:
        """The messages that came flagged as payloads (the gateway's own: buttons, /forget_me)."""
        return [r["message"] for r in self.requests if (r.get("metadata") or {}).get(PAYLOAD_FLAG) is True]

    def typed(self) -> list[str]:
        """The messages that came as words (what people typed)."""
        return [r["message"] for r in self.requests if (r.get("metadata") or {}).get(PAYLOAD_FLAG) is not True]

    async def _hello(self, request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: fake")

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.Response(status=self.status, text="Internal Server Error")
        return web.json_response(self.respond(body))


def alive(pid: int) -> bool:
    """Whether a process runs (and is not a zombie), read from /proc."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
