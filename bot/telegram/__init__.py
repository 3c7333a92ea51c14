"""The Telegram gateway: its own light process between Telegram and Rasa's REST channel.

Modules, one job each: ``config`` (environment), ``render`` (Rasa's messages
as Telegram messages), ``memory`` (message ids per chat, for erasing; in Redis
``shared_state``), ``delivery`` (sending and deleting with flood-limit
retries), ``gateway`` (one conversation turn, erasing, the fallback),
``handlers`` (one handler per feature), ``ordering`` (updates of one chat in
order, chats in parallel), ``ops`` (health and metrics), ``request`` (the HTTP
client) and ``app`` (the Application, polling or webhook). Rasa is never
imported here. The pseudonyms, the rate and length limits, the Rasa client,
the button tokens (and the Redis versions of both) and the logging without ids
or texts are shared with the web chat, in ``bot.relay``.
"""
