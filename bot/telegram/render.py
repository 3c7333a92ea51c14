"""Rasa's REST messages as Telegram messages: escaped HTML, inline keyboards, at most 4,096 characters.

Rasa sends every paragraph of a text as its own message; consecutive texts
are joined again (up to the next message with buttons) so an answer arrives
as one Telegram message, then split at paragraph boundaries when it is longer
than Telegram allows. Button payloads go into ``callback_data`` as they are
when they fit in Telegram's 64 bytes, otherwise as a short token kept in a
bounded in-memory map (``CallbackPayloads``).
"""
from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096
MAX_CALLBACK_DATA = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64 bytes
PAYLOAD, TOKEN, LANGUAGE = "p:", "t:", "l:"
PARAGRAPH = re.compile(r"\n[ \t]*\n")
URL = re.compile(r"^https?://", re.IGNORECASE)


def telegram_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Text for parse_mode HTML: only <, > and & are special."""
    return html.escape(text, quote=False)


def _cut(text: str, limit: int, separators: tuple[str, ...] = ("\n", " ")) -> list[str]:
    """Split one paragraph that is too long: at line breaks, then spaces, then anywhere."""
    if telegram_length(text) <= limit:
        return [text]
    if not separators:
        pieces, current = [], ""
        for char in text:
            if telegram_length(current + char) > limit:
                pieces.append(current)
                current = ""
            current += char
        return [*pieces, current] if current else pieces
    separator, rest = separators[0], separators[1:]
    pieces, current = [], ""
    for part in text.split(separator):
        candidate = f"{current}{separator}{part}" if current else part
        if telegram_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        if telegram_length(part) <= limit:
            current = part
        else:
            *whole, current = _cut(part, limit, rest)
            pieces.extend(whole)
    if current:
        pieces.append(current)
    return pieces


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Chunks of at most ``limit`` characters, cut between paragraphs wherever possible."""
    text = text.strip()
    if telegram_length(text) <= limit:
        return [text] if text else []
    chunks, current = [], ""
    for paragraph in PARAGRAPH.split(text):
        for piece in _cut(paragraph.strip(), limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if telegram_length(candidate) <= limit:
                current = candidate
            else:
                if current:
                    chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


class CallbackPayloads:
    """Button payloads <-> callback_data. Long payloads get a token; the map is bounded (LRU)."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._payloads)

    def encode(self, payload: str) -> str:
        data = PAYLOAD + payload
        if len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            return data
        digest = hashlib.sha256(payload.encode("utf-8")).digest()[:12]
        token = base64.urlsafe_b64encode(digest).decode("ascii")
        self._payloads[token] = payload
        self._payloads.move_to_end(token)
        while len(self._payloads) > self.capacity:
            self._payloads.popitem(last=False)
        return TOKEN + token

    def decode(self, data: str | None) -> str | None:
        """The payload behind a button, or None if it is unknown (e.g. from before a restart)."""
        if not data:
            return None
        if data.startswith(PAYLOAD):
            return data[len(PAYLOAD):]
        if data.startswith(TOKEN):
            return self._payloads.get(data[len(TOKEN):])
        return None


def own_name(code: str) -> str:
    """A language's name in that language, from Babel: "norsk bokmål" -> "Norsk bokmål"."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def language_keyboard(languages: Iterable[str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(own_name(code), callback_data=LANGUAGE + code)]
                                 for code in languages])


def chosen_language(data: str | None) -> str | None:
    return data[len(LANGUAGE):] if data and data.startswith(LANGUAGE) else None


def keyboard(buttons: list[dict[str, Any]], payloads: CallbackPayloads) -> InlineKeyboardMarkup | None:
    rows = []
    for button in buttons:
        title = str(button.get("title") or "").strip()
        payload = str(button.get("payload") or "")
        url = button.get("url") or (payload if URL.match(payload) else None)
        if not title or not (payload or url):
            continue
        if url:
            rows.append([InlineKeyboardButton(title, url=str(url))])
        else:
            rows.append([InlineKeyboardButton(title, callback_data=payloads.encode(payload))])
    return InlineKeyboardMarkup(rows) if rows else None


@dataclass
class Outgoing:
    """One Telegram message: HTML-escaped text and an optional inline keyboard."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass
class Rendered:
    messages: list[Outgoing] = field(default_factory=list)
    erase: bool = False


def _text_of(message: dict[str, Any]) -> str:
    parts = [str(message.get("text") or "").strip()]
    for key in ("image", "attachment"):  # Rasa's media come as links
        if isinstance(message.get(key), str):
            parts.append(message[key])
    return "\n\n".join(part for part in parts if part)


def render(messages: list[dict[str, Any]], payloads: CallbackPayloads, choose: str) -> Rendered:
    """Telegram messages for Rasa's answer; ``choose`` heads buttons that come without text."""
    rendered = Rendered()
    pending: list[str] = []

    def flush(markup: InlineKeyboardMarkup | None) -> None:
        chunks = split_text("\n\n".join(pending))
        pending.clear()
        if not chunks and markup is not None:
            if rendered.messages and rendered.messages[-1].keyboard is None:
                rendered.messages[-1].keyboard = markup
                return
            chunks = [choose]
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            rendered.messages.append(Outgoing(escape(chunk), markup if last else None))

    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("erase_chat") is True:
            rendered.erase = True
        text = _text_of(message)
        if text:
            pending.append(text)
        markup = keyboard(message.get("buttons") or [], payloads)
        if markup is not None:
            flush(markup)
    if pending:
        flush(None)
    return rendered
