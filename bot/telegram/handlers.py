"""The handlers, one feature each, registered in the order they run.

Groups -3 to -1 run for every update first: only private chats; remember the
incoming message's id (for /forget and auto-erase); the per-user rate limit
(never for this bot's /forget, nor for a message about acute danger).
Then exactly one of: /start (and /help), /language, /forget, a button, a
shared location, another command, a text, anything else. ``on_error`` is the
one error handler.

What a person typed (texts, captions, other commands) goes to Rasa as words,
never as a payload; only the gateway's own messages are payloads: a button's
payload as sent to that chat, the language choice, /forget's ``/forget_me``.
"""
from __future__ import annotations

import logging
import traceback

from babel.numbers import format_decimal
from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.contract import as_user_text, intent_payload
from bot.nlu.keywords import match_emergency
from bot.relay.limits import MAX_TEXT, Verdict, shorten
from bot.telegram import ops
from bot.telegram.gateway import Gateway, user_text
from bot.telegram.render import Outgoing, chosen_language, language_keyboard

logger = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
NEW_MESSAGES = filters.UpdateType.MESSAGE


def gateway_of(context: Context) -> Gateway:
    return context.application.bot_data["gateway"]


async def only_private_chats(update: Update, context: Context) -> None:
    """The assistant talks one to one: updates from groups and channels are ignored."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        if update.callback_query:
            await gateway_of(context).delivery.answer(update.callback_query)
        raise ApplicationHandlerStop


async def remember_incoming(update: Update, context: Context) -> None:
    """Keep the id (only the id) of the user's message, so /forget can delete it; count the update's kind."""
    ops.UPDATES.labels(update_kind(update)).inc()
    if update.message:
        await gateway_of(context).memory.remember(update.effective_chat.id, update.message.message_id)


def update_kind(update: Update) -> str:
    """"button", "command", "text" or "other" (the metrics' only label for updates)."""
    if update.callback_query:
        return "button"
    message = update.message
    if message is not None and message.text:
        return "command" if message.text.startswith("/") else "text"
    return "other"


def is_emergency(update: Update) -> bool:
    """Whether the text or caption of a new message is about acute danger (the keyword safety net)."""
    message = update.message
    written = (message.text or message.caption) if message else None
    return bool(written) and match_emergency(as_user_text(written)) is not None


async def rate_limit(update: Update, context: Context) -> None:
    """More than 20 messages a minute: ask once to slow down, forward nothing until the rate drops.

    Never held back: this bot's own /forget (erasing must work even in a
    hurry; exactly the command ``FORGET_COMMAND`` handles, so "/forget@otherbot"
    is an ordinary message) and a text or caption about acute danger (counted,
    and forwarded). The request to slow down carries the emergency numbers.
    """
    gateway = gateway_of(context)
    chat_id = update.effective_chat.id
    if update.message and FORGET_COMMAND.check_update(update):
        return
    if is_emergency(update):
        await gateway.limiter.count(chat_id)
        return
    verdict = await gateway.limiter.check(chat_id)
    if verdict is Verdict.ALLOW:
        return
    written = (update.message.text or update.message.caption) if update.message else None
    language = await gateway.language(chat_id, update.effective_user, as_user_text(written) if written else None)
    if update.callback_query:
        text = gateway.phrase(language, "slow_down") if verdict is Verdict.SLOW_DOWN else None
        await gateway.delivery.answer(update.callback_query, text)
    if verdict is Verdict.SLOW_DOWN:
        await gateway.delivery.send(chat_id, Outgoing(gateway.text(language, "slow_down", "emergency_numbers")))
    logger.info("chat %s: over the rate limit (%s)", gateway.log_name(chat_id), verdict.value)
    ops.RATE_LIMITED.inc()
    raise ApplicationHandlerStop


async def start(update: Update, context: Context) -> None:
    """/start: greet in the app's language, say what the assistant is and is not, offer languages."""
    gateway = gateway_of(context)
    chat_id = update.effective_chat.id
    language = await gateway.language(chat_id, update.effective_user)
    keys = ["start_greeting", "start_what", "start_danger", "start_forget"]
    values = {}
    if gateway.config.auto_erase_minutes:
        keys.append("start_auto_erase")
        values["minutes"] = gateway.config.auto_erase_minutes
    intro = gateway.text(language, *keys, **values)
    menu = gateway.text(language, "start_language")
    await gateway.delivery.send(chat_id, Outgoing(f"{intro}\n\n{menu}",
                                                  language_keyboard(gateway.languages.shipped)))


async def language_menu(update: Update, context: Context) -> None:
    """/language: the language menu again, each language in its own name."""
    gateway = gateway_of(context)
    chat_id = update.effective_chat.id
    language = await gateway.language(chat_id, update.effective_user)
    await gateway.delivery.send(chat_id, Outgoing(gateway.text(language, "language_menu"),
                                                  language_keyboard(gateway.languages.shipped)))


async def forget(update: Update, context: Context) -> None:
    """/forget: erase the conversation in Rasa and delete the messages in the chat."""
    await gateway_of(context).forget(update.effective_chat.id, update.effective_user)


# The one /forget handler; rate_limit asks it whether a message is this bot's /forget.
FORGET_COMMAND = CommandHandler("forget", forget, filters=NEW_MESSAGES)


async def button(update: Update, context: Context) -> None:
    """A button: the gateway's language menu or one of Rasa's buttons. Always answered.

    Only what the gateway itself sent counts: a shipped language of the menu,
    or a token issued to this very chat; anything else (made-up data, another
    chat's token, a token from before a restart) is answered as expired and
    reaches nobody.
    """
    gateway = gateway_of(context)
    query = update.callback_query
    chat_id = update.effective_chat.id
    answered = False
    try:
        language = chosen_language(query.data)
        if language in gateway.languages.shipped:
            payload = intent_payload("choose_language", language=language)
        else:
            payload = await gateway.payloads.decode(chat_id, query.data)
        if payload is None:
            text = gateway.phrase(await gateway.language(chat_id, update.effective_user), "button_expired")
            await gateway.delivery.answer(query, text)
            answered = True
            return
        await gateway.delivery.answer(query)
        answered = True
        await gateway.converse(chat_id, update.effective_user, payload, payload=True)
    finally:
        if not answered:
            await gateway.delivery.answer(query)


async def location(update: Update, context: Context) -> None:
    """A shared location: the places carry no coordinates, so ask for the town's name."""
    gateway = gateway_of(context)
    chat_id = update.effective_chat.id
    language = await gateway.language(chat_id, update.effective_user)
    await gateway.delivery.send(chat_id, Outgoing(gateway.text(language, "location")))


async def other_command(update: Update, context: Context) -> None:
    """Any other /command goes to Rasa as words ("/hjelp@bot meg" -> "hjelp meg"), never as an intent."""
    words = update.message.text.split(maxsplit=1)
    command = words[0][1:].split("@", 1)[0]
    await _forward(update, context, " ".join([command, *words[1:]]))


async def text(update: Update, context: Context) -> None:
    """A text message: shortened if very long, then to Rasa."""
    await _forward(update, context, update.message.text)


async def not_text(update: Update, context: Context) -> None:
    """Photos, voice, stickers, files, contacts…: the assistant reads text (a caption is read)."""
    gateway = gateway_of(context)
    chat_id = update.effective_chat.id
    language = await gateway.language(chat_id, update.effective_user)
    caption = user_text(update.message.caption or "")
    if caption:
        await gateway.delivery.send(chat_id, Outgoing(gateway.text(language, "caption_only")))
        await _forward(update, context, caption)
    else:
        await gateway.delivery.send(chat_id, Outgoing(gateway.text(language, "not_text")))


async def _forward(update: Update, context: Context, message: str) -> None:
    """What a person wrote, to Rasa as words: no leading slash or space, never flagged as a payload."""
    gateway = gateway_of(context)
    chat_id = update.effective_chat.id
    language = await gateway.language(chat_id, update.effective_user)
    message = user_text(message)
    if not message:
        await gateway.delivery.send(chat_id, Outgoing(gateway.text(language, "empty")))
        return
    message, shortened = shorten(message, MAX_TEXT)
    if shortened:
        await gateway.delivery.send(chat_id, Outgoing(gateway.text(language, "too_long", limit=_number(MAX_TEXT, language))))
    await gateway.converse(chat_id, update.effective_user, message)


def _number(value: int, language: str) -> str:
    return format_decimal(value, locale=language)


async def on_error(update: object, context: Context) -> None:
    """The one error handler: log what failed and where (no texts, no ids); apologise to the user."""
    error = context.error
    frames = traceback.extract_tb(error.__traceback__) if error is not None else []
    where = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
    gateway = gateway_of(context)
    chat = update.effective_chat if isinstance(update, Update) else None
    logger.error("chat %s: %s at %s", gateway.log_name(chat.id if chat else None), type(error).__name__, where)
    ops.ERRORS.inc()
    if chat is None or chat.type != ChatType.PRIVATE or isinstance(error, TelegramError):
        return
    try:
        await gateway.delivery.send(chat.id, gateway.fallback(await gateway.language(chat.id, update.effective_user)))
    except TelegramError as failure:
        logger.error("chat %s: the apology failed too: %s", gateway.log_name(chat.id), type(failure).__name__)


def register(application: Application) -> None:
    application.add_handler(TypeHandler(Update, only_private_chats), group=-3)
    application.add_handler(TypeHandler(Update, remember_incoming), group=-2)
    application.add_handler(TypeHandler(Update, rate_limit), group=-1)
    application.add_handler(CommandHandler(["start", "help"], start, filters=NEW_MESSAGES))
    application.add_handler(CommandHandler("language", language_menu, filters=NEW_MESSAGES))
    application.add_handler(FORGET_COMMAND)
    application.add_handler(CallbackQueryHandler(button))
    application.add_handler(MessageHandler(NEW_MESSAGES & (filters.LOCATION | filters.VENUE), location))
    application.add_handler(MessageHandler(NEW_MESSAGES & filters.COMMAND, other_command))
    application.add_handler(MessageHandler(NEW_MESSAGES & filters.TEXT, text))
    application.add_handler(MessageHandler(NEW_MESSAGES, not_text))
    application.add_error_handler(on_error)
