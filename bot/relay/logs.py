"""Logging for a gateway (Telegram, web chat): never a message text, never a chat or tab id, never the bot token.

A gateway's own log lines name chats only by a short pseudonym. The
libraries are kept at WARNING because at lower levels they log whole updates
(python-telegram-bot, tornado) and request URLs that contain the bot token
(httpx); and the records they do log go out without their arguments, which
is where such data would be.
"""
from __future__ import annotations

import logging

LIBRARIES = ("telegram", "httpx", "httpcore", "tornado", "hpack")


def quiet_libraries() -> None:
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


class DropLibraryArguments(logging.Filter):
    """Log a library's message template without the values filled in (they may be user data)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".", 1)[0] in LIBRARIES and record.args:
            record.msg, record.args = f"{record.msg} [details withheld]", None
        return True


def configure(level: int = logging.INFO) -> None:
    """Logging for a gateway's own process (``veiviser telegram``, ``veiviser web`` and ``veiviser run``)."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(DropLibraryArguments())
    quiet_libraries()
