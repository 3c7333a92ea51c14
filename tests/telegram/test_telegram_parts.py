"""The gateway's parts on their own: configuration, pseudonyms, rendering, limits, memory, the CLI."""
from __future__ import annotations

import pytest

from bot.cli import main
from bot.relay.buttons import CallbackPayloads
from bot.relay.identity import Pseudonyms
from bot.relay.limits import RateLimiter, Verdict, shorten
from bot.telegram.config import ConfigError, load_config
from bot.telegram.gateway import user_text
from bot.telegram.memory import ChatMemory
from bot.telegram.render import render, split_text, telegram_length

TOKEN = {"TELEGRAM_BOT_TOKEN": "1:abc"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- configuration -------------------------------------------------------------------------
def test_development_is_the_default_and_polls():
    config = load_config(TOKEN)
    assert not config.production and not config.webhook
    assert config.secret_is_ephemeral and len(config.secret) >= 32
    assert config.base_url == "https://api.telegram.org/bot" and config.rasa_url == "http://127.0.0.1:5005"
    assert config.auto_erase_after == 30 * 60 and config.rasa_timeout == 5


def test_production_refuses_to_start_without_a_secret():
    with pytest.raises(ConfigError, match="VEIVISER_SECRET"):
        load_config({**TOKEN, "VEIVISER_ENV": "production"})
    with pytest.raises(ConfigError, match="too short"):
        load_config({**TOKEN, "VEIVISER_ENV": "production", "VEIVISER_SECRET": "short"})
    config = load_config({**TOKEN, "VEIVISER_ENV": "production", "VEIVISER_SECRET": "x" * 40})
    assert config.production and not config.secret_is_ephemeral


def test_missing_token_and_half_a_webhook_are_named():
    with pytest.raises(ConfigError) as error:
        load_config({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/hook"})
    assert any("TELEGRAM_BOT_TOKEN" in p for p in error.value.problems)
    assert any("TELEGRAM_WEBHOOK_SECRET" in p for p in error.value.problems)
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_URL"):
        load_config({**TOKEN, "TELEGRAM_WEBHOOK_SECRET": "abc"})
    with pytest.raises(ConfigError, match="A-Z"):
        load_config({**TOKEN, "TELEGRAM_WEBHOOK_URL": "https://b.example/h", "TELEGRAM_WEBHOOK_SECRET": "no spaces"})


def test_webhook_and_auto_erase_settings():
    config = load_config({**TOKEN, "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg/hook",
                          "TELEGRAM_WEBHOOK_SECRET": "abc-DEF_123", "TELEGRAM_WEBHOOK_PORT": "8080",
                          "VEIVISER_AUTO_ERASE_MINUTES": "off", "TELEGRAM_BASE_URL": "http://localhost:8081/bot"})
    assert config.webhook and config.webhook_path == "/tg/hook" and config.webhook_port == 8080
    assert config.auto_erase_after is None and config.auto_erase_minutes is None
    assert config.base_url == "http://localhost:8081/bot"
    assert load_config({**TOKEN, "VEIVISER_AUTO_ERASE_MINUTES": "10"}).auto_erase_minutes == 10


# -- pseudonyms ----------------------------------------------------------------------------
def test_pseudonyms_are_keyed_stable_and_reveal_nothing():
    first, other = Pseudonyms(b"key one"), Pseudonyms(b"key two")
    assert first.sender(5550001234) == first.sender(5550001234)
    assert first.sender(5550001234) != first.sender(5550001235)
    assert first.sender(5550001234) != other.sender(5550001234)
    assert "5550001234" not in first.sender(5550001234) and len(first.sender(1)) == 64
    assert first.for_log(5550001234) == first.sender(5550001234)[:10]


# -- rendering -----------------------------------------------------------------------------
def test_split_text_keeps_paragraphs_whole():
    paragraphs = [f"{i} " + "x" * 1000 for i in range(10)]
    chunks = split_text("\n\n".join(paragraphs))
    assert all(len(chunk) <= 4096 for chunk in chunks) and len(chunks) == 3
    assert "\n\n".join(chunks) == "\n\n".join(paragraphs)


def test_split_text_cuts_a_giant_paragraph_at_spaces_and_counts_emoji_twice():
    words = "ord " * 3000
    chunks = split_text(words)
    assert all(len(chunk) <= 4096 for chunk in chunks) and all(chunk.endswith("ord") for chunk in chunks)
    emoji = "🙂" * 3000  # 6,000 UTF-16 units, no place to cut
    chunks = split_text(emoji)
    assert all(telegram_length(chunk) <= 4096 for chunk in chunks) and "".join(chunks) == emoji


async def test_callback_payloads_are_tokens_issued_per_chat_and_stay_bounded():
    payloads = CallbackPayloads(max_chats=2, per_chat=3)
    help_data = await payloads.encode(1, "/find_help")
    assert help_data.startswith("t:") and "find_help" not in help_data
    assert await payloads.encode(1, "/find_help") == help_data, "the same payload keeps its token"
    assert await payloads.decode(1, help_data) == "/find_help"
    assert await payloads.decode(2, help_data) is None, "a token issued to another chat"
    for forged in ("p:/find_help", "p:/restart", "t:garbage", "t:", "garbage", "", None):
        assert await payloads.decode(1, forged) is None, forged

    long = [f'/inform_location{{"municipality":"{n:04d}","country":"NO","name":"Somewhere long"}}' for n in range(5)]
    data = [await payloads.encode(1, payload) for payload in long]
    assert all(len(d.encode()) <= 64 for d in data) and len(set(data)) == 5 and len(payloads) == 3
    assert [await payloads.decode(1, d) for d in data] == [None, None, *long[2:]], "the oldest are forgotten"
    assert await payloads.decode(1, help_data) is None

    other = await payloads.encode(2, "/find_help")
    assert other != help_data and await payloads.decode(2, other) == "/find_help"
    await payloads.encode(3, "/a")
    assert await payloads.decode(1, data[-1]) is None, "the least recently used chat is forgotten first"
    await payloads.forget(2)
    assert await payloads.decode(2, other) is None and len(payloads) == 1


async def test_render_joins_paragraphs_attaches_buttons_and_sees_the_erase_flag():
    payloads = CallbackPayloads()
    rendered = await render([{"text": "One <1>"}, {"text": "Two & three"},
                       {"text": "Pick", "buttons": [{"title": "A", "payload": "/a"}]},
                       {"custom": {"erase_chat": True}}], payloads, 7, lambda: "Choose:")
    assert rendered.erase
    assert [m.text for m in rendered.messages] == ["One &lt;1&gt;\n\nTwo &amp; three\n\nPick"]
    data = rendered.messages[0].keyboard.inline_keyboard[0][0].callback_data
    assert await payloads.decode(7, data) == "/a" and await payloads.decode(8, data) is None
    only_buttons = await render([{"buttons": [{"title": "A", "payload": "/a"}]}], payloads, 7, lambda: "Choose:")
    assert only_buttons.messages[0].text == "Choose:"
    assert not only_buttons.erase


def test_typed_text_never_starts_like_a_payload():
    assert user_text("/hjelp meg ") == "hjelp meg"
    assert user_text(' /inform_location{"country":"NO"}') == 'inform_location{"country":"NO"}'
    assert user_text("/ /forget_me") == "forget_me"
    assert user_text("\n\t// /restart") == "restart"
    assert user_text("  ") == "" and user_text("hei / du") == "hei / du"


# -- limits and memory ---------------------------------------------------------------------
async def test_rate_limit_20_a_minute_asks_once_then_drops_until_the_rate_drops():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    verdicts = [await limiter.check(1) for _ in range(25)]
    assert verdicts[:20] == [Verdict.ALLOW] * 20
    assert verdicts[20] is Verdict.SLOW_DOWN and verdicts[21:] == [Verdict.DROP] * 4
    assert await limiter.check(2) is Verdict.ALLOW, "per user"
    clock.now += 61
    assert await limiter.check(1) is Verdict.ALLOW


async def test_counted_messages_raise_the_rate_but_do_not_use_up_the_request_to_slow_down():
    limiter = RateLimiter(clock=Clock())
    for _ in range(25):
        await limiter.count(1)  # e.g. messages about acute danger: let through, but counted
    assert await limiter.check(1) is Verdict.SLOW_DOWN
    assert await limiter.check(1) is Verdict.DROP


def test_shorten_cuts_at_a_word_and_says_so():
    text, cut = shorten("word " * 1000)
    assert cut and len(text) <= 2000 and text.endswith("word")
    assert shorten("short") == ("short", False)


async def test_memory_keeps_ids_only_bounded_and_forgets_old_ones():
    clock = Clock()
    memory = ChatMemory(max_chats=2, max_ids=3, clock=clock)
    for message_id in range(1, 6):
        await memory.remember(10, message_id)
    assert await memory.message_ids(10) == [3, 4, 5]
    await memory.remember(20, 1)
    await memory.remember(30, 1)
    assert await memory.message_ids(10) == [], "the least recently active chat is forgotten first"
    clock.now += 49 * 3600
    assert await memory.message_ids(20) == [], "Telegram cannot delete them after 48 hours anyway"
    assert await memory.idle(60) == [20, 30]
    assert await memory.forget(30) == [] and len(memory) == 1


# -- the commands --------------------------------------------------------------------------
def test_telegram_says_what_is_missing_and_exits_2(monkeypatch, capsys):
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "VEIVISER_ENV"):
        monkeypatch.delenv(name, raising=False)
    assert main(["telegram"]) == 2
    error = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN is not set" in error and "BotFather" in error


def test_run_without_a_token_serves_the_web_chat(monkeypatch, capsys):
    for name in ("TELEGRAM_BOT_TOKEN", "VEIVISER_ENV", "VEIVISER_WEB_PORT", "VEIVISER_EXIT_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["run", "--check"]) == 0
    assert "web chat at http://127.0.0.1:8480/" in capsys.readouterr().err


def test_run_with_a_token_checks_the_telegram_settings(monkeypatch, capsys):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://example.org/hook")
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    assert main(["run", "--check"]) == 2
    assert "TELEGRAM_WEBHOOK_SECRET is not set" in capsys.readouterr().err


def test_production_without_secret_exits_2(monkeypatch, capsys):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    monkeypatch.setenv("VEIVISER_ENV", "production")
    monkeypatch.delenv("VEIVISER_SECRET", raising=False)
    assert main(["telegram", "--check"]) == 2
    assert "VEIVISER_SECRET is not set" in capsys.readouterr().err


async def test_typing_never_cancels_a_call_in_flight_and_never_holds_the_answer_long(monkeypatch):
    """Cancelling an HTTP call inside httpx's pool could leave a turn waiting forever (seen under load)."""
    import asyncio
    import time

    from bot.telegram import delivery

    monkeypatch.setattr(delivery, "TYPING_GRACE", 0.2)
    monkeypatch.setattr(delivery, "TYPING_AFTER", 0.0)  # "typing…" at once, so it is in flight
    release, calls = asyncio.Event(), {"started": 0, "cancelled": 0, "finished": 0}

    class SlowBot:
        async def send_chat_action(self, chat_id, action):
            calls["started"] += 1
            try:
                await release.wait()
            except asyncio.CancelledError:
                calls["cancelled"] += 1
                raise
            calls["finished"] += 1

    sender = delivery.Delivery(SlowBot(), ChatMemory())
    began = time.monotonic()
    async with sender.typing(42):
        await asyncio.sleep(0.05)  # Rasa answers quickly; "typing…" is still on its way
    assert time.monotonic() - began < 1.0
    release.set()
    await asyncio.sleep(0.05)
    assert calls == {"started": 1, "cancelled": 0, "finished": 1}
    assert not sender._typing_tasks  # the task ended by itself and was let go
