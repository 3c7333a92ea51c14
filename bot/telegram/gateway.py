"""One conversation turn between a Telegram chat and Rasa, erasing a chat, and the fallback.

``Gateway`` holds what the handlers share: the configuration, the phrasebook,
the pseudonyms, the Rasa client, the chat memory, the rate limiter and the
button payloads. Rasa gets the pseudonymous sender id, the text, the
client's language code and, for a message the gateway composed itself (a
button's payload, the language choice, ``/forget_me``), the payload flag —
nothing else; what a person typed never carries the flag and never starts
with "/" (``user_text``). When Rasa does not answer in time or
fails, the user gets an apology and the emergency numbers from the gateway's
own catalogue, in their language.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from telegram import Bot, User

from bot import paths
from bot.contract import FORGET_PAYLOAD, as_user_text, parse_payload
from bot.i18n.bidi import isolate_numbers
from bot.i18n.phrases import Phrasebook
from bot.language import load_config as load_languages
from bot.language import negotiate
from bot.nlu.keywords import match_emergency
from bot.relay.buttons import CallbackPayloads
from bot.relay.identity import Pseudonyms
from bot.relay.language import text_language
from bot.relay.limits import RateLimiter
from bot.relay.rasa import RasaClient, RasaUnavailable
from bot.relay.shared_state import RedisCallbackPayloads, RedisRateLimiter
from bot.telegram import ops
from bot.telegram.config import Config
from bot.telegram.delivery import Delivery
from bot.telegram.memory import ChatMemory
from bot.telegram.ordering import ChatLocks
from bot.telegram.render import Outgoing, erase_requested, escape, render
from bot.telegram.shared_state import RedisChatMemory

logger = logging.getLogger(__name__)
PHRASES = paths.GATEWAY_PHRASES


def user_text(text: str) -> str:
    """What a person typed, as words (``as_user_text``: "/ /x" -> "x"), trailing space cut."""
    return as_user_text(text).rstrip()


class Gateway:
    def __init__(self, config: Config, bot: Bot, locks: ChatLocks | None = None) -> None:
        self.config = config
        self.languages = load_languages()
        self.phrase = Phrasebook(PHRASES, "gateway")
        self.pseudonyms = Pseudonyms(config.secret)
        self.rasa = RasaClient(config.rasa_url, config.rasa_timeout)
        if config.redis_url:  # shared by every gateway replica, and kept over a restart
            self.memory = RedisChatMemory(config.redis_url, self.pseudonyms)
            self.limiter = RedisRateLimiter(config.redis_url, self.pseudonyms)
            self.payloads = RedisCallbackPayloads(config.redis_url, self.pseudonyms)
        else:
            self.memory = ChatMemory()
            self.limiter = RateLimiter()
            self.payloads = CallbackPayloads()
        self.locks = locks or ChatLocks()
        self.delivery = Delivery(bot, self.memory)

    # -- language and texts ------------------------------------------------------------
    async def language(self, chat_id: int, user: User | None, text: str | None = None) -> str:
        """The language of the gateway's own texts (``pick_language``), with the chat's menu choice."""
        return self.pick_language(await self.memory.language(chat_id), user, text)

    def pick_language(self, chosen: str | None, user: User | None, text: str | None = None) -> str:
        """The menu choice, else what ``text`` shows (the language of a matched emergency pattern,
        or a script only one shipped language uses), else the app's (often English for the people
        we serve), else English."""
        return (chosen
                or (text_language(text, self.languages.shipped, match_emergency(text)) if text else None)
                or negotiate(getattr(user, "language_code", None))
                or self.languages.default)

    def text(self, language: str, *keys: str, **values: object) -> str:
        """Phrases joined by blank lines, HTML-escaped for sending."""
        return escape(isolate_numbers("\n\n".join(self.phrase(language, key, **values) for key in keys)))

    def fallback(self, language: str) -> Outgoing:
        return Outgoing(self.text(language, "fault", "emergency_numbers"))

    def log_name(self, chat_id: int | None) -> str:
        return self.pseudonyms.for_log(chat_id)

    # -- a turn ------------------------------------------------------------------------
    async def ask_rasa(self, chat_id: int, user: User | None, text: str, payload: bool = False) -> list[dict] | None:
        """Rasa's answer (with "typing…" shown meanwhile), or None if Rasa failed.

        ``payload``: the gateway composed ``text`` (a button it sent, the language choice, /forget_me).
        """
        started = time.monotonic()
        try:
            async with self.delivery.typing(chat_id):
                answer = await self.rasa.send(self.pseudonyms.sender(chat_id), text,
                                              getattr(user, "language_code", None), payload=payload)
        except RasaUnavailable as error:
            logger.warning("chat %s: Rasa unavailable (%s)", self.log_name(chat_id), error.reason)
            return None
        logger.info("chat %s: Rasa answered %d message(s) in %.2f s", self.log_name(chat_id),
                    len(answer), time.monotonic() - started)
        return answer

    async def converse(self, chat_id: int, user: User | None, text: str, payload: bool = False) -> None:
        """Forward what a person typed (as words) or, with ``payload``, a payload the gateway sent; deliver the answer."""
        started = time.monotonic()
        if payload:
            chosen = parse_payload(text, {"choose_language"})
            if chosen and chosen[1].get("language") in self.languages.shipped:
                await self.memory.set_language(chat_id, chosen[1]["language"])
        else:
            text = user_text(text)
        answer = await self.ask_rasa(chat_id, user, text, payload=payload)
        menu_choice = await self.memory.language(chat_id)

        def language() -> str:  # only for the gateway's own texts, which most answers do not need
            return self.pick_language(menu_choice, user, None if payload else text)

        if answer is not None and erase_requested(answer):
            await self.erase(chat_id)  # first, so that the answer's buttons outlive the erasing
        rendered = await render(answer or [], self.payloads, chat_id, lambda: self.phrase(language(), "choose"))
        if answer is None or not (rendered.messages or rendered.erase):
            ops.RASA_UNREACHABLE.inc()
            await self.delivery.send(chat_id, self.fallback(language()))
        else:
            await self.delivery.send_all(chat_id, rendered.messages)
        ops.TURN_SECONDS.observe(time.monotonic() - started)

    # -- erasing -----------------------------------------------------------------------
    async def erase(self, chat_id: int) -> int:
        """Delete every message of the chat that the gateway still knows, and forget the chat."""
        ids = await self.memory.forget(chat_id)
        await self.payloads.forget(chat_id)
        await self.delivery.delete(chat_id, ids)
        logger.info("chat %s: deleted %d message(s)", self.log_name(chat_id), len(ids))
        return len(ids)

    async def forget(self, chat_id: int, user: User | None) -> None:
        """/forget: erase Rasa's tracker and the messages in the chat, then confirm."""
        language = await self.language(chat_id, user)
        answer = await self.ask_rasa(chat_id, user, FORGET_PAYLOAD, payload=True)
        await self.erase(chat_id)
        if answer is None:
            ops.RASA_UNREACHABLE.inc()
            await self.delivery.send(chat_id, Outgoing(self.text(language, "forget_local_only")))
        else:
            rendered = await render(answer, self.payloads, chat_id, lambda: self.phrase(language, "choose"))
            await self.delivery.send_all(chat_id, rendered.messages)

    async def auto_erase_once(self) -> int:
        """Erase every chat that has been silent for ``auto_erase_after`` seconds, here and in Rasa."""
        after = self.config.auto_erase_after
        if after is None:
            return 0
        erased = 0
        for chat_id in await self.memory.idle(after):
            async with self.locks.hold(chat_id):
                if chat_id not in await self.memory.idle(after):  # a message came in meanwhile
                    continue
                try:
                    await self.rasa.send(self.pseudonyms.sender(chat_id), FORGET_PAYLOAD, payload=True)
                except RasaUnavailable as error:
                    logger.warning("chat %s: auto-erase could not reach Rasa (%s)", self.log_name(chat_id), error.reason)
                await self.erase(chat_id)
                erased += 1
        return erased

    async def auto_erase_forever(self) -> None:
        every = min(60.0, max(0.2, (self.config.auto_erase_after or 60.0) / 4))
        while True:
            await asyncio.sleep(every)
            try:
                await self.auto_erase_once()
            except Exception as error:  # keep erasing the other chats next time
                logger.error("auto-erase failed: %s", type(error).__name__)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.rasa.close()
