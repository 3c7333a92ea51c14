"""What every chat gateway shares, whatever carries the conversation (Telegram, the web chat).

``identity`` (pseudonymous sender ids), ``limits`` (rate and length),
``rasa`` (the client for Rasa's REST channel, with its hard time limit),
``buttons`` (payloads behind per-conversation tokens), ``shared_state`` (the
limits and the buttons in Redis, with REDIS_URL), ``language`` (the language
of a message), ``settings`` (what every gateway reads from the environment) and
``logs`` (no ids or texts in the logs). No module here imports Rasa or
python-telegram-bot, nor either gateway.
"""
