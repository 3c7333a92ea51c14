"""Button payloads behind per-conversation tokens, so no client can make up a payload.

A button a gateway shows carries a random token issued to that one
conversation, never Rasa's payload itself; a press counts only with a token
sent to the conversation it comes from. The Telegram gateway keys the
tokens by chat id, the web chat by its tab's pseudonym; with REDIS_URL the
gateways keep them in Redis (``bot.relay.shared_state``).
"""
from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Hashable

TOKEN = "t:"
TOKEN_BYTES = 8  # 11 characters after "t:" (Telegram allows 64 bytes of callback_data)


class CallbackPayloads:
    """The payloads of the buttons sent to each chat, behind per-chat tokens; bounded, in memory only.

    ``encode`` issues ``t:<token>`` for a payload sent to a chat (the same
    token again for the same payload); ``decode`` gives the payload back only
    for a token issued to that very chat. Per chat the last ``per_chat``
    payloads are kept, for at most ``max_chats`` chats (the least recently
    used are forgotten first). The payloads are Rasa's, never the user's words.
    """

    def __init__(self, max_chats: int = 10_000, per_chat: int = 200) -> None:
        self.max_chats = max_chats
        self.per_chat = per_chat
        self._chats: OrderedDict[Hashable, OrderedDict[str, str]] = OrderedDict()  # chat -> token -> payload

    def __len__(self) -> int:
        """How many payloads are kept, over all chats."""
        return sum(len(tokens) for tokens in self._chats.values())

    async def encode(self, chat_id: Hashable, payload: str) -> str:
        """The callback_data of a button with this payload, sent to this chat."""
        tokens = self._chats.get(chat_id)
        if tokens is None:
            tokens = self._chats[chat_id] = OrderedDict()
            while len(self._chats) > self.max_chats:
                self._chats.popitem(last=False)
        self._chats.move_to_end(chat_id)
        token = next((known for known, issued in tokens.items() if issued == payload), None)
        while token is None or (token in tokens and tokens[token] != payload):
            token = secrets.token_urlsafe(TOKEN_BYTES)
        tokens[token] = payload
        tokens.move_to_end(token)
        while len(tokens) > self.per_chat:
            tokens.popitem(last=False)
        return TOKEN + token

    async def decode(self, chat_id: Hashable, data: str | None) -> str | None:
        """The payload of a button sent to this chat, or None (unknown, another chat's, or from before a restart)."""
        if not data or not data.startswith(TOKEN):
            return None
        tokens = self._chats.get(chat_id)
        return tokens.get(data[len(TOKEN):]) if tokens is not None else None

    async def forget(self, chat_id: Hashable) -> None:
        """Drop the chat's buttons (when the chat is erased)."""
        self._chats.pop(chat_id, None)
