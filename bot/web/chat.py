"""One web chat turn between a browser tab and Rasa, erasing a tab's conversation, and the fallback.

The same rules as the Telegram gateway (``bot.telegram.gateway``): Rasa gets
only the tab's pseudonym (HMAC of a random id the page made for this tab),
the text as words, the page's language code and, for what the chat composed
itself (a button's payload, the language choice, ``/forget_me``), the
payload flag. A button counts only with a token issued to that very tab. A
message about acute danger is never held back by the rate limit. When Rasa
does not answer in time or fails, the page gets an apology and the emergency
numbers from the gateway's own catalogue, in the user's language.
"""
from __future__ import annotations

import functools
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

from babel import Locale

from bot import paths
from bot.contract import (
    ERASE_CHAT,
    FORGET_PAYLOAD,
    MAX_TEXT,
    PRINTABLE,
    as_user_text,
    flagged,
    intent_payload,
)
from bot.i18n.phrases import Phrasebook
from bot.language import load_config as load_languages
from bot.language import negotiate
from bot.nlu.keywords import match_emergency
from bot.relay.buttons import CallbackPayloads
from bot.relay.identity import Pseudonyms
from bot.relay.language import text_language
from bot.relay.limits import RateLimiter, Verdict, shorten
from bot.relay.rasa import RasaClient, RasaUnavailable
from bot.text.names import own_names
from bot.web.config import WebConfig
from bot.web.links import parts

logger = logging.getLogger(__name__)
GATEWAY_PHRASES = paths.GATEWAY_PHRASES
WEB_PHRASES = paths.WEB_PHRASES
TAB = re.compile(r"^[A-Za-z0-9_-]{22,64}$")  # the page makes 32 hex digits from crypto.getRandomValues


class BadRequest(ValueError):
    """What the page sent is not a turn; the reason names the field, never its value."""


@dataclass
class Turn:
    """What the page shows for one turn: Rasa's messages as parts and buttons, or the chat's own notices."""

    language: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    erased: bool = False
    limited: bool = False

    def json(self) -> dict[str, Any]:
        return {"language": self.language, "dir": direction(self.language), "messages": self.messages,
                "erased": self.erased}


@functools.lru_cache(maxsize=64)  # asked for every turn and every menu entry
def direction(language: str) -> str:
    """"rtl" for Arabic and Persian (Babel's character order), else "ltr"."""
    return "rtl" if Locale.parse(language).character_order == "right-to-left" else "ltr"


def check_tab(tab: object) -> str:
    if not isinstance(tab, str) or not TAB.match(tab):
        raise BadRequest("tab")
    return tab


class WebChat:
    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.languages = load_languages()
        self.gateway_phrase = Phrasebook(GATEWAY_PHRASES, "gateway")
        self.web_phrase = Phrasebook(WEB_PHRASES, "web")
        self.pseudonyms = Pseudonyms(config.secret, namespace="web-tab")
        self.rasa = RasaClient(config.rasa_url, config.rasa_timeout)
        if config.redis_url:  # shared by every web chat replica (bot.relay.shared_state, keyed by pseudonym)
            from bot.relay.shared_state import RedisCallbackPayloads, RedisRateLimiter

            self.limiter = RedisRateLimiter(config.redis_url, self.pseudonyms)
            self.payloads = RedisCallbackPayloads(config.redis_url, self.pseudonyms)
        else:
            self.limiter = RateLimiter()
            self.payloads = CallbackPayloads()

    # -- languages and texts -------------------------------------------------------------
    def page_language(self, requested: object, accept_language: str | None = None) -> str:
        """A shipped language the page asked for, else the best of Accept-Language (Babel), else English."""
        if isinstance(requested, str) and requested in self.languages.shipped:
            return requested
        for code in _accepted(accept_language):
            found = negotiate(code)
            if found:
                return found
        return self.languages.default

    def reply_language(self, page: str, chosen: bool, text: str, emergency: str | None) -> str:
        """The language of the chat's own notices: the menu choice, else the text's, else the page's."""
        if chosen or not text:
            return page
        return text_language(text, self.languages.shipped, emergency) or page

    def notice(self, language: str, *keys: str, **values: object) -> dict[str, Any]:
        """One message of the chat's own: gateway phrases (Telegram's) or the web chat's, as parts;
        ``notice`` (shown framed) when it carries the emergency numbers or says something failed."""
        texts = [self._phrase(language, key, **values) for key in keys]
        alert = bool({"emergency_numbers", "fault", "deleted_local_only"} & set(keys))
        return {"parts": parts("\n\n".join(texts)), "buttons": [], "notice": alert}

    def _phrase(self, language: str, key: str, **values: object) -> str:
        book = self.web_phrase if key in self.web_phrase.english else self.gateway_phrase
        return book(language, key, **values)

    def texts(self, language: str) -> dict[str, Any]:
        """Everything the page shows before a turn, in ``language`` (the page's labels and the greeting)."""
        labels = {key: self.web_phrase(language, key) for key in self.web_phrase.english}
        greeting = [self.gateway_phrase(language, key) for key in ("start_greeting", "start_what", "start_danger")]
        greeting += [self.web_phrase(language, key) for key in ("start_forget", "no_trace", "private_window")]
        return {
            "language": language,
            "dir": direction(language),
            "labels": labels,
            "danger": parts(labels["danger_bar"]),
            "numbers": parts(self.gateway_phrase(language, "emergency_numbers")),
            "greeting": parts("\n\n".join(greeting)),
            "fault": parts(f"{self.gateway_phrase(language, 'fault')}\n\n"
                           f"{self.gateway_phrase(language, 'emergency_numbers')}"),
            "offline": parts(labels["offline"]),
        }

    def menu(self) -> list[dict[str, str]]:
        """Every shipped language in its own name (as the Telegram menu shows them)."""
        names = own_names()
        return [{"code": code, "name": names.get(code, code), "dir": direction(code)} for code in self.languages.shipped]

    # -- turns ---------------------------------------------------------------------------
    async def message(self, body: dict[str, Any], accept_language: str | None = None) -> Turn:
        """A turn from the page: ``{"tab", "text"}``, ``{"tab", "button"}`` or ``{"tab", "choose"}``,
        with ``"language"`` (the page's) and ``"chosen"`` (picked in the menu)."""
        tab = check_tab(body.get("tab"))
        page = self.page_language(body.get("language"), accept_language)
        chosen = body.get("chosen") is True
        if "choose" in body:
            code = body.get("choose")
            if not isinstance(code, str) or code not in self.languages.shipped:
                raise BadRequest("choose")
            if await self.limiter.check(tab) is not Verdict.ALLOW:
                return Turn(code, [self.notice(code, "slow_down", "emergency_numbers")], limited=True)
            return await self._ask(tab, intent_payload("choose_language", language=code), code, payload=True)
        if "button" in body:
            token = body.get("button")
            if not isinstance(token, str) or len(token) > 64:
                raise BadRequest("button")
            verdict = await self.limiter.check(tab)
            if verdict is not Verdict.ALLOW:
                return self._limited(tab, page, verdict)
            payload = await self.payloads.decode(tab, token)
            if payload is None:
                return Turn(page, [self.notice(page, "button_expired")])
            return await self._ask(tab, payload, page, payload=True)
        text = body.get("text")
        if not isinstance(text, str):
            raise BadRequest("text")
        text = as_user_text(text).strip()
        emergency = match_emergency(text) if text else None  # asked once: for the language and the limit
        language = self.reply_language(page, chosen, text, emergency)
        if not text:
            return Turn(language, [self.notice(language, "empty")])
        if emergency is not None:
            await self.limiter.count(tab)  # acute danger always goes through
        else:
            verdict = await self.limiter.check(tab)
            if verdict is not Verdict.ALLOW:
                return self._limited(tab, language, verdict)
        text, shortened = shorten(text, MAX_TEXT)
        turn = await self._ask(tab, text, language, page_code=page)
        if shortened:
            turn.messages.insert(0, self.notice(language, "too_long", limit=f"{MAX_TEXT:,}".replace(",", " ")))
        return turn

    def _limited(self, tab: str, language: str, verdict: Verdict) -> Turn:
        logger.info("tab %s: over the rate limit (%s)", self.pseudonyms.for_log(tab), verdict.value)
        if verdict is Verdict.SLOW_DOWN:
            return Turn(language, [self.notice(language, "slow_down", "emergency_numbers")], limited=True)
        return Turn(language, [], limited=True)

    async def _ask(self, tab: str, text: str, language: str, payload: bool = False,
                   page_code: str | None = None) -> Turn:
        sender = self.pseudonyms.sender(tab)
        started = time.monotonic()
        try:
            answer = await self.rasa.send(sender, text, page_code or language, payload=payload)
        except RasaUnavailable as error:
            logger.warning("tab %s: Rasa unavailable (%s)", self.pseudonyms.for_log(tab), error.reason)
            return Turn(language, [self.notice(language, "fault", "emergency_numbers")])
        logger.info("tab %s: Rasa answered %d message(s) in %.2f s", self.pseudonyms.for_log(tab), len(answer),
                    time.monotonic() - started)
        erased = flagged(answer, ERASE_CHAT)
        if erased:
            await self.payloads.forget(tab)  # first, so that the answer's buttons outlive the erasing
        turn = Turn(language, await self._render(tab, answer), erased=erased)
        if not turn.messages:
            turn.messages = [self.notice(language, "fault", "emergency_numbers")]
        return turn

    async def _render(self, tab: str, answer: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rasa's messages as the page shows them; a printable marker marks the whole answer."""
        printable = flagged(answer, PRINTABLE)
        rendered = []
        for message in answer:
            text = str(message.get("text") or "").strip()
            buttons = []
            for button in message.get("buttons") or []:
                title = str(button.get("title") or "").strip()
                payload = str(button.get("payload") or "")
                if title and payload:
                    buttons.append({"title": title, "token": await self.payloads.encode(tab, payload)})
            if text or buttons:
                rendered.append({"parts": parts(text), "buttons": buttons})
        if printable and rendered:
            rendered[-1]["printable"] = True
        return rendered

    async def forget(self, body: dict[str, Any], accept_language: str | None = None) -> Turn:
        """"Delete this conversation" and quick exit: erase it in Rasa and forget the tab's buttons."""
        tab = check_tab(body.get("tab"))
        language = self.page_language(body.get("language"), accept_language)
        await self.payloads.forget(tab)
        sender = self.pseudonyms.sender(tab)
        try:
            answer = await self.rasa.send(sender, FORGET_PAYLOAD, language, payload=True)
        except RasaUnavailable as error:
            logger.warning("tab %s: erasing could not reach Rasa (%s)", self.pseudonyms.for_log(tab), error.reason)
            return Turn(language, [self.notice(language, "deleted_local_only")], erased=True)
        if not flagged(answer, ERASE_CHAT):
            logger.warning("tab %s: Rasa did not confirm the erasing", self.pseudonyms.for_log(tab))
            return Turn(language, [self.notice(language, "deleted_local_only")], erased=True)
        logger.info("tab %s: conversation erased", self.pseudonyms.for_log(tab))
        # the page's own words: Rasa's confirmation speaks of deleting the chat in an app
        return Turn(language, [self.notice(language, "deleted")], erased=True)

    async def close(self) -> None:
        await self.rasa.close()
        for shared in (self.limiter, self.payloads):
            if hasattr(shared, "redis"):
                await shared.redis.close()


def _accepted(header: str | None) -> list[str]:
    """Accept-Language's codes, best first ("nb-NO,nb;q=0.9,en;q=0.5" -> nb-NO, nb, en)."""
    if not header:
        return []
    weighted = []
    for index, item in enumerate(header.split(",")[:20]):
        code, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if code and code != "*" and quality > 0:
            weighted.append((-quality, index, code.strip()))
    return [code for _, _, code in sorted(weighted)]
