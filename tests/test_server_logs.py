"""Rasa's server logs keep what people wrote out, also when a message fails."""
import logging

import pytest
import structlog

from bot import server_logs

SECRET = "Zorana Petrovska, Storgata 17"


def _failed_message_log_line(configure) -> str:
    """What Rasa's REST channel logs when handling a message raises."""
    saved = structlog.get_config()
    try:
        configure(logging.INFO)
        processors = structlog.get_config()["processors"]

        def handle(text: str) -> None:
            raise KeyError("intent")

        try:
            handle(SECRET)
        except KeyError:
            event = {"event": "rest.message.received.failure", "text": SECRET, "exc_info": True}
            for processor in processors:
                event = processor(logging.getLogger("rasa.core.channels.rest"), "error", event)
        return str(event)
    finally:
        structlog.configure(**saved)


@pytest.fixture
def rasa_configure():
    import rasa.utils.log_utils

    return rasa.utils.log_utils.configure_structlog


def test_stock_rasa_would_log_the_text(rasa_configure):
    """Why bot.server_logs exists: Rasa writes the text, and again in the traceback's locals."""
    assert SECRET in _failed_message_log_line(rasa_configure)


def test_served_rasa_withholds_texts_and_traceback_locals(rasa_configure):
    line = _failed_message_log_line(lambda level: server_logs.configure(rasa_configure, level))
    assert SECRET not in line
    assert "KeyError" in line and "rest.message.received.failure" in line and server_logs.WITHHELD in line
