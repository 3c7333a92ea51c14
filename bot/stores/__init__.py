"""Where conversations and their locks live: in memory (the default) or on Redis (``REDIS_URL``).

- ``endpoints``: the classes endpoints.yml names; they pick the store by REDIS_URL.
- ``turns``: what every store does at the end of a turn (forget, form answers, bounded size).
- ``memory``: one process's conversations, as objects.
- ``redis_conversations``: conversations shared by replicas, as an event log per conversation.
- ``redis_locks``: one turn of a conversation at a time, over all replicas.
- ``connection``: REDIS_URL, the key names, and the client.

Nothing here imports the Telegram gateway; the gateway's own Redis state is
``bot.telegram.shared`` and uses only ``connection``.
"""
