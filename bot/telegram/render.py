"""Rasa's REST messages as Telegram messages: escaped HTML, inline keyboards, at most 4,096 characters.

Rasa sends every paragraph of a text as its own message; consecutive texts
are joined again (up to the next message with buttons) so an answer arrives
as one Telegram message, then split at paragraph boundaries when it is longer
than Telegram allows. A button's ``callback_data`` is never its payload but a
random token issued to that one chat (``CallbackPayloads``): a press counts
only with a token the gateway sent to the chat it comes from, so no client
can make up a payload.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.contract import ERASE_CHAT, flagged
from bot.relay.buttons import CallbackPayloads
from bot.text.names import own_names

MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096
MAX_CALLBACK_DATA = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64 bytes
LANGUAGE = "l:"
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


MENU_COLUMNS = 2  # 18 languages in 9 rows: fits a phone screen


def language_keyboard(languages: Iterable[str]) -> InlineKeyboardMarkup:
    """Every language in its own name, two to a row."""
    names = own_names()
    buttons = [InlineKeyboardButton(names.get(code, code), callback_data=LANGUAGE + code) for code in languages]
    return InlineKeyboardMarkup([buttons[i:i + MENU_COLUMNS] for i in range(0, len(buttons), MENU_COLUMNS)])


def chosen_language(data: str | None) -> str | None:
    return data[len(LANGUAGE):] if data and data.startswith(LANGUAGE) else None


async def keyboard(buttons: list[dict[str, Any]], payloads: CallbackPayloads, chat_id: int) -> InlineKeyboardMarkup | None:
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
            rows.append([InlineKeyboardButton(title, callback_data=await payloads.encode(chat_id, payload))])
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


def erase_requested(messages: list[dict[str, Any]]) -> bool:
    """Whether one of Rasa's messages carries ``custom: {"erase_chat": true}``."""
    return flagged(messages, ERASE_CHAT)


async def render(messages: list[dict[str, Any]], payloads: CallbackPayloads, chat_id: int,
           choose: Callable[[], str]) -> Rendered:
    """Telegram messages for Rasa's answer to ``chat_id``; ``choose()`` heads buttons that come without
    text (asked only then: the gateway finds its language from the text, a pass over the keyword net)."""
    rendered = Rendered(erase=erase_requested(messages))
    pending: list[str] = []

    def flush(markup: InlineKeyboardMarkup | None) -> None:
        chunks = split_text("\n\n".join(pending))
        pending.clear()
        if not chunks and markup is not None:
            if rendered.messages and rendered.messages[-1].keyboard is None:
                rendered.messages[-1].keyboard = markup
                return
            chunks = [choose()]
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            rendered.messages.append(Outgoing(escape(chunk), markup if last else None))

    for message in messages:
        text = _text_of(message)
        if text:
            pending.append(text)
        markup = await keyboard(message.get("buttons") or [], payloads, chat_id)
        if markup is not None:
            flush(markup)
    if pending:
        flush(None)
    return rendered
