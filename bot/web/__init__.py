"""The web chat: its own light process between a browser tab and Rasa's REST channel (docs/web.md).

``config`` (environment), ``chat`` (one turn, erasing, the fallback), ``links``
(numbers and addresses as parts of an answer), ``page`` (the page in its
language) and ``server`` (aiohttp: the page, turns, health). Neither Rasa nor
python-telegram-bot is imported here; what it shares with the Telegram gateway
is in ``bot.relay``.
"""
