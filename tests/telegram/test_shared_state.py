"""The gateway's state in a real Redis (REDIS_URL): shared by replicas, kept over a restart, named by pseudonyms."""
from __future__ import annotations

from fakes import ANNA, BO, SECRET, next_text, wait_until

from bot.relay.identity import Pseudonyms
from bot.relay.limits import Verdict
from bot.relay.shared_state import RedisCallbackPayloads, RedisRateLimiter
from bot.telegram.shared_state import RedisChatMemory

PSEUDONYMS = Pseudonyms(SECRET.encode())


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_rate_limit_in_redis_follows_the_same_rule(redis_url):
    clock = Clock()
    limiter = RedisRateLimiter(redis_url, PSEUDONYMS, clock=clock)
    other_replica = RedisRateLimiter(redis_url, PSEUDONYMS, clock=clock)
    verdicts = [await (limiter if n % 2 else other_replica).check(1) for n in range(25)]
    assert verdicts[:20] == [Verdict.ALLOW] * 20, "both replicas count into one window"
    assert verdicts[20] is Verdict.SLOW_DOWN and verdicts[21:] == [Verdict.DROP] * 4
    assert await limiter.check(2) is Verdict.ALLOW, "per user"
    clock.now += 61
    assert await limiter.check(1) is Verdict.ALLOW
    for _ in range(25):
        await limiter.count(3)  # acute danger: let through, but counted
    assert await limiter.check(3) is Verdict.SLOW_DOWN


async def test_chat_memory_in_redis_is_shared_and_named_by_pseudonyms(redis_url, local_redis):
    clock = Clock()
    memory = RedisChatMemory(redis_url, PSEUDONYMS, clock=clock)
    replica = RedisChatMemory(redis_url, PSEUDONYMS, clock=clock)
    for message_id in (11, 12, 13):
        await memory.remember(ANNA, message_id)
    await replica.set_language(ANNA, "uk")
    assert await replica.message_ids(ANNA) == [11, 12, 13]
    assert await memory.language(ANNA) == "uk"
    with local_redis.client() as client:
        keys = [key.decode() for key in client.keys("*")]
        assert keys and not any(str(ANNA) in key for key in keys), "keys carry the pseudonym, never the chat id"
        assert all(0 < client.ttl(key) <= 48 * 3600 for key in keys if "gateway-chat" in key or "gateway-ids" in key)
    clock.now += 31 * 60
    await memory.remember(BO, 1)
    assert await replica.idle(30 * 60) == [ANNA], "auto-erase finds the quiet chat on any replica"
    clock.now += 49 * 3600
    assert await memory.message_ids(BO) == [], "Telegram cannot delete them after 48 hours anyway"
    assert await replica.forget(ANNA) == [] and await memory.language(ANNA) is None
    assert await memory.idle(60) == [], "a chat whose messages can no longer be deleted is not erased again"


async def test_button_payloads_in_redis_decode_on_any_replica_for_that_chat_only(redis_url):
    payloads = RedisCallbackPayloads(redis_url, PSEUDONYMS, per_chat=3)
    replica = RedisCallbackPayloads(redis_url, PSEUDONYMS, per_chat=3)
    data = await payloads.encode(ANNA, "/find_help")
    assert data.startswith("t:") and "find_help" not in data and len(data.encode()) <= 64
    assert await payloads.encode(ANNA, "/find_help") == data, "the same payload keeps its token"
    assert await replica.decode(ANNA, data) == "/find_help"
    assert await replica.decode(BO, data) is None, "a token issued to another chat"
    for forged in ("p:/find_help", "t:garbage", "t:", "", None):
        assert await replica.decode(ANNA, forged) is None
    more = [await payloads.encode(ANNA, f"/inform_location{{\"municipality\":\"{n:04d}\"}}") for n in range(3)]
    assert await replica.decode(ANNA, data) is None, "only the last 3 are kept"
    assert await replica.decode(ANNA, more[-1]) == '/inform_location{"municipality":"0002"}'
    await replica.forget(ANNA)
    assert await payloads.decode(ANNA, more[-1]) is None


async def test_redis_down_the_gateway_goes_on(local_redis):
    dead = "redis://127.0.0.1:1/0"
    assert await RedisRateLimiter(dead, PSEUDONYMS).check(1) is Verdict.ALLOW
    memory = RedisChatMemory(dead, PSEUDONYMS)
    await memory.remember(1, 2)
    assert await memory.language(1) is None and await memory.forget(1) == []
    assert (await RedisCallbackPayloads(dead, PSEUDONYMS).encode(1, "/a")).startswith("t:")


async def test_forget_after_a_gateway_restart_still_deletes_the_chat(start, telegram, rasa, redis_url):
    first = await start(REDIS_URL=redis_url)
    telegram.say(ANNA, "hei")
    telegram.say(ANNA, "buttons please")
    await next_text(telegram, ANNA, 2)
    telegram.press(ANNA, "l:uk")
    await next_text(telegram, ANNA, 3)
    assert len(telegram.visible(ANNA)) == 5
    first.stop.set()
    await first.task  # the gateway stops: nothing of the chat stays in its memory

    second = await start(REDIS_URL=redis_url)
    assert await second.gateway.memory.language(ANNA) == "uk", "the language choice survived"
    telegram.say(ANNA, "/forget")
    await next_text(telegram, ANNA, 4)
    assert rasa.messages()[-1] == "/forget_me"
    assert telegram.visible(ANNA) == [max(telegram.messages[ANNA])], "only the confirmation is left"

    async def only_the_confirmation_noted():
        return len(await second.gateway.memory.message_ids(ANNA)) == 1

    await wait_until(only_the_confirmation_noted, what="the confirmation to be noted")


async def test_the_gateway_serves_health_and_metrics(start, telegram, rasa):
    import httpx

    from bot.stack import free_port

    port = free_port()
    await start(VEIVISER_OPS_PORT=port)
    telegram.say(ANNA, "hei, jeg heter Zorana")
    await next_text(telegram, ANNA, 1)
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"http://127.0.0.1:{port}/live")).status_code == 200
        assert (await client.get(f"http://127.0.0.1:{port}/ready")).json() == {"status": "ready"}
        metrics = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    assert 'veiviser_gateway_updates_total{kind="text"}' in metrics
    assert "veiviser_gateway_turn_seconds_count" in metrics
    assert str(ANNA) not in metrics and "Zorana" not in metrics
