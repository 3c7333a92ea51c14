"""Rasa's REST channel, for clients we do not control: only well-formed requests, only clean text.

Named in ``credentials.yml`` in place of Rasa's own ``rest`` channel, at the
same address (``/webhooks/rest/webhook``), with the same answer (a JSON list
of messages). What it adds, each a promise of docs/privacy.md "Reliability":

- a request that is not a JSON object with a non-empty ``sender`` and a
  string ``message`` gets 400 and never reaches the dialogue (Rasa's would
  put every such client into one shared "default" conversation);
- only the metadata Veiviser uses is kept (``language_code``, the payload
  flag): nothing else a client sends is stored in the conversation;
- the text is cleaned (lone surrogates, control characters and NUL removed,
  Unicode normalised) and capped at ``MAX_TEXT`` characters, so one message
  can neither crash language detection nor hold the server for seconds;
- only the assistant sends intents: a message is read as ``/intent{…}``
  only when the client marks it as a payload (``bot.contract.PAYLOAD_FLAG``)
  *and* it names an intent of the domain with valid entity values; any other
  text is words ("/hjelp" -> "hjelp"), whatever it starts with;
- a turn runs to its end even when the client stops waiting, so the
  conversation never keeps a message without its answer;
- when handling fails before anything was said (the conversation store
  is unreachable, say), the client gets the apology and the emergency
  numbers in the message's language — the same text the Telegram gateway
  sends when Rasa is down (its phrasebook, ``bot/telegram/phrases.yml``);
- when handling fails, the log says what failed, never what was written;
- a few messages are handled at a time, the others in order of arrival, and
  acute danger skips that queue (``bot.channels.admission``, speed-up
  ``admission``; how many: ``concurrent_messages`` in credentials.yml).
"""
from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
import unicodedata
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import metrics, paths, speedups
from bot.channels.admission import CONCURRENT_MESSAGES, AdmissionGate
from bot.contract import LANGUAGE_CODE, MAX_TEXT, PAYLOAD_FLAG, as_user_text, intent_payload, parse_payload
from bot.i18n.bidi import isolate_numbers
from bot.i18n.phrases import Phrasebook
from bot.language import load_config as load_languages
from bot.language import negotiate
from bot.nlu.keywords import match_emergency

logger = logging.getLogger(__name__)
FALLBACK_PHRASES = paths.GATEWAY_PHRASES  # the Rasa-less answers
SENDER = re.compile(r"[A-Za-z0-9_.:@-]{1,128}")
_UNWANTED = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")
_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,8}([_-][A-Za-z0-9]{1,8}){0,3}")
# Rasa's built-in intents that reset or rewrite a conversation: never from a client.
NEVER_FROM_CLIENTS = frozenset({"restart", "session_start", "back", "nlu_fallback", "out_of_scope"})


class BadRequest(ValueError):
    """What is wrong with a request, in words that carry nothing the client sent."""


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """Text without lone surrogates, control characters (but line breaks and tabs) or NUL; NFC; at most ``limit``."""
    text = _UNWANTED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", text)[:limit]


def clean_metadata(metadata: Any) -> dict[str, Any]:
    """The metadata Veiviser uses, and nothing else; refuses what is not an object."""
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise BadRequest("metadata must be an object")
    kept: dict[str, Any] = {}
    code = metadata.get(LANGUAGE_CODE)
    if isinstance(code, str) and _LANGUAGE_CODE.fullmatch(code):
        kept[LANGUAGE_CODE] = code
    if metadata.get(PAYLOAD_FLAG) is True:
        kept[PAYLOAD_FLAG] = True
    return kept


def message_text(raw: str, is_payload: bool, intents: Collection[str] | None) -> str:
    """What the dialogue gets: a re-written payload when it is one of ours and valid, else words."""
    text = clean_text(raw)
    if is_payload and intents is not None:
        parsed = parse_payload(text, intents)
        if parsed is not None and parsed[0] not in NEVER_FROM_CLIENTS:
            intent, entities = parsed
            return intent_payload(intent, **entities)
    return as_user_text(text)


def read_request(request: Request, intents: Collection[str] | None) -> tuple[str, str, dict[str, Any]]:
    """(sender, text, metadata) of a well-formed request; BadRequest otherwise."""
    try:
        body = request.json
    except Exception as error:  # sanic raises its own error type for a body that is not JSON
        raise BadRequest("the body is not JSON") from error
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    sender, raw = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not SENDER.fullmatch(sender):
        raise BadRequest("sender must be 1-128 characters of A-Z a-z 0-9 _ . : @ -")
    if not isinstance(raw, str):
        raise BadRequest("message must be a string")
    metadata = clean_metadata(body.get("metadata"))
    return sender, message_text(raw, bool(metadata.pop(PAYLOAD_FLAG, False)), intents), metadata


def fallback_text(text: str, language_code: str | None) -> str:
    """The apology and the emergency numbers, in the language the message shows or the client's."""
    language = match_emergency(text) if not text.startswith("/") else None
    shipped = load_languages()
    if language not in shipped.shipped:
        language = negotiate(language_code) or shipped.default
    phrase = _fallback_phrases()
    return "\n\n".join(phrase(language, key) for key in ("fault", "emergency_numbers"))


@functools.cache
def _fallback_phrases() -> Phrasebook:
    return Phrasebook(FALLBACK_PHRASES, "gateway")


def _domain_intents(request: Request) -> Collection[str] | None:
    agent = getattr(request.app.ctx, "agent", None)
    domain = getattr(agent, "domain", None)
    return domain.intents if domain is not None else None


def _readable(message: dict[str, Any]) -> dict[str, Any]:
    """Numbers kept left to right inside right-to-left answers (bot/i18n/bidi.py)."""
    if isinstance(message.get("text"), str):
        message["text"] = isolate_numbers(message["text"])
    return message


class RestInput(InputChannel):
    """POST /webhooks/rest/webhook {"sender", "message", "metadata"?} -> [messages]."""

    def __init__(self, concurrent_messages: int = CONCURRENT_MESSAGES) -> None:
        self.concurrent_messages = int(concurrent_messages)

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestInput:
        return cls(**(credentials or {}))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"veiviser_{self.name()}", __name__)
        if speedups.enabled("admission"):
            on_new_message = functools.partial(AdmissionGate(self.concurrent_messages).admit, on_new_message)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, metadata = read_request(request, _domain_intents(request))
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            collector = CollectingOutputChannel()
            started = time.perf_counter()
            try:
                # shielded: a client that gives up (the gateway after its time limit) must not cut a
                # turn in half — the conversation would keep a message without its answer, and the
                # next emergency would be answered without the numbers
                await asyncio.shield(on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                                metadata=metadata)))
            except Exception as error:  # noqa: BLE001 - answer what was collected; log no text
                logger.error("Handling a message failed: %s", type(error).__name__)
                metrics.ERRORS.labels("turn").inc()
                if not collector.messages:
                    collector.messages.append({"recipient_id": sender,
                                               "text": fallback_text(text, metadata.get(LANGUAGE_CODE))})
            metrics.TURN_SECONDS.observe(time.perf_counter() - started)
            return response.json([_readable(message) for message in collector.messages])

        return webhook
