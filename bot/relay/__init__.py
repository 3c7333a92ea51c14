"""What every chat gateway shares, whatever carries the conversation (Telegram, the web chat).

``identity`` (pseudonymous sender ids), ``limits`` (rate and length),
``rasa`` (the client for Rasa's REST channel, with its hard time limit) and
``buttons`` (payloads behind per-conversation tokens). No module here
imports Rasa or python-telegram-bot.
"""
