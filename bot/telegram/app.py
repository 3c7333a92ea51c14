"""The python-telegram-bot Application, and running it by polling or behind a webhook.

``serve`` runs until ``stop`` is set: it initialises the bot (getMe), starts
polling — or, when TELEGRAM_WEBHOOK_URL is set, PTB's webhook server, which
answers 403 to any request without the right X-Telegram-Bot-Api-Secret-Token
so it never reaches a handler or Rasa — starts the auto-erase task, and
stops everything in order on the way out.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.nlu import keywords
from bot.relay import logs
from bot.telegram import handlers, ops
from bot.telegram.config import Config
from bot.telegram.gateway import Gateway
from bot.telegram.ordering import ChatLocks, PerChatUpdateProcessor
from bot.telegram.request import AiohttpRequest

logger = logging.getLogger(__name__)
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


async def _close_gateway(application: Application) -> None:
    await application.bot_data["gateway"].close()


def _polling_failed(error: Exception) -> None:
    """One short line per failed getUpdates (PTB retries with back-off by itself)."""
    logger.warning("Polling Telegram failed (%s); retrying", type(error).__name__)


def build_application(config: Config) -> Application:
    locks = ChatLocks()
    application = (
        ApplicationBuilder()
        .token(config.token)
        .base_url(config.base_url)
        .request(AiohttpRequest())  # aiohttp, not httpx: a third of the CPU per call (bot/telegram/request.py)
        .get_updates_request(AiohttpRequest(connections=1))
        .concurrent_updates(PerChatUpdateProcessor(locks))
        .job_queue(None)  # auto-erase is the gateway's own task; no scheduler needed
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_shutdown(_close_gateway)
        .build()
    )
    application.bot_data["gateway"] = Gateway(config, application.bot, locks)
    handlers.register(application)
    return application


async def serve(config: Config, stop: asyncio.Event, started: asyncio.Future | None = None) -> None:
    """Run the gateway until ``stop`` is set; ``started`` gets the Application once it is running."""
    logs.quiet_libraries()
    if config.secret_is_ephemeral:
        logger.warning("VEIVISER_SECRET is not set: using a random key until the gateway stops "
                       "(development only; pseudonyms change at every restart)")
    keywords.prepare()  # the first message, perhaps a cry for help, does not wait for the patterns
    application = build_application(config)
    gateway: Gateway = application.bot_data["gateway"]
    async with application:  # getMe now; shutdown (and the Rasa client closed) on the way out
        if config.webhook:
            await application.updater.start_webhook(
                listen=config.webhook_listen,
                port=config.webhook_port,
                url_path=config.webhook_path,
                webhook_url=config.webhook_url,
                secret_token=config.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, timeout=config.poll_timeout,
                                                    error_callback=_polling_failed)
        await application.start()
        eraser = asyncio.create_task(gateway.auto_erase_forever()) if config.auto_erase_after else None
        health = None
        if config.ops_port:
            health = await ops.start_server(config.webhook_listen, config.ops_port,
                                            lambda: application.running and application.updater.running)
        logger.info(
            "Telegram gateway running (%s, %s mode) against Rasa at %s; auto-erase %s",
            f"webhook on {config.webhook_listen}:{config.webhook_port}" if config.webhook else "polling",
            "production" if config.production else "development",
            config.rasa_url,
            f"after {config.auto_erase_after / 60:g} min" if config.auto_erase_after else "off",
        )
        if not await gateway.rasa.ready():
            logger.warning("Rasa does not answer at %s yet; users get the apology and the emergency numbers "
                           "until it does", config.rasa_url)
        if started is not None and not started.done():
            started.set_result(application)
        try:
            await stop.wait()
        finally:
            if health is not None:
                await health.cleanup()
            if eraser is not None:
                eraser.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await eraser
            await application.updater.stop()
            await application.stop()
    logger.info("Telegram gateway stopped")
