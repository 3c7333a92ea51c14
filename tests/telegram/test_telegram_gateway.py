"""The gateway end to end: real python-telegram-bot against a fake Bot API server and a fake Rasa.

Each test starts the gateway as ``veiviser telegram`` does (``serve`` with the
configuration read from environment variables, TELEGRAM_BASE_URL pointing at
the fake server) and plays the user's side through getUpdates or the webhook.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time

import httpx
from fakes import ANNA, BO, LONG_PAYLOAD, SECRET, next_text, wait_until

from bot.i18n.phrases import Phrasebook
from bot.language import load_config
from bot.relay.identity import Pseudonyms
from bot.telegram.gateway import PHRASES
from bot.telegram.render import MAX_CALLBACK_DATA, escape

phrase = Phrasebook(PHRASES, "gateway")


def said(language: str, *keys: str, **values) -> str:
    """A gateway text as it is sent (HTML-escaped, phrases joined by blank lines)."""
    return escape("\n\n".join(phrase(language, key, **values) for key in keys))


async def test_start_greets_in_the_app_language_and_offers_each_language_by_its_own_name(gateway, telegram, rasa):
    telegram.say(ANNA, "/start", language_code="nb")
    greeting = await next_text(telegram, ANNA, 1)
    assert greeting.startswith(said("nb", "start_greeting"))
    assert said("nb", "start_what") in greeting  # what it is and is not, in one line
    assert phrase("nb", "start_auto_erase", minutes=30) in greeting
    assert "/forget" in greeting and "112" in greeting
    menu = telegram.sent(ANNA)[0]["reply_markup"]["inline_keyboard"]
    names = [button["text"] for row in menu for button in row]
    assert names[:4] == ["English", "Norsk bokmål", "Dansk", "Svenska"] and len(names) == len(load_config().shipped)
    assert all(len(row) <= 2 for row in menu), "two to a row: 18 languages fit a phone screen"
    assert telegram.sent(ANNA)[0]["parse_mode"] == "HTML"

    telegram.say(ANNA, "/language", language_code="nb")
    assert await next_text(telegram, ANNA, 2) == said("nb", "language_menu")
    assert rasa.requests == [], "the gateway answers /start and /language itself"

    query = telegram.press(ANNA, "l:sv")
    assert await next_text(telegram, ANNA, 3) == "language set: sv"
    assert telegram.answered(query)
    assert rasa.messages() == ['/choose_language{"language":"sv"}']
    assert rasa.payloads() == rasa.messages(), "the language choice is the gateway's own payload"
    # the gateway's own texts follow the choice although the app still says nb
    telegram.new_message(ANNA, "nb", sticker={"file_id": "s1", "file_unique_id": "u1", "width": 512,
                                              "height": 512, "is_animated": False, "is_video": False,
                                              "type": "regular"})
    assert await next_text(telegram, ANNA, 4) == said("sv", "not_text")


async def test_a_conversation_in_two_languages(gateway, telegram, rasa):
    rasa.delay = 0.6  # Rasa thinks longer than TYPING_AFTER
    telegram.say(ANNA, "hei, jeg trenger hjelp", language_code="nb")
    telegram.say(BO, "hej, jag behöver hjälp", language_code="sv")
    assert await next_text(telegram, ANNA, 1) == "Hei! Jeg er her for deg."
    assert await next_text(telegram, BO, 1) == "Hej! Jag är här för dig."
    by_text = {r["message"]: r for r in rasa.requests}
    assert by_text["hei, jeg trenger hjelp"]["metadata"] == {"language_code": "nb"}
    assert by_text["hej, jag behöver hjälp"]["metadata"] == {"language_code": "sv"}
    pseudonyms = Pseudonyms(SECRET.encode())
    assert by_text["hei, jeg trenger hjelp"]["sender"] == pseudonyms.sender(ANNA)
    assert by_text["hej, jag behöver hjälp"]["sender"] == pseudonyms.sender(BO)
    typing = [p for p in telegram.called("sendChatAction") if p["action"] == "typing"]
    assert {int(p["chat_id"]) for p in typing} == {ANNA, BO}, "typing… while Rasa thinks"


async def test_a_quick_answer_costs_no_typing_call(gateway, telegram, rasa, monkeypatch):
    from bot.telegram import delivery

    monkeypatch.setattr(delivery, "TYPING_AFTER", 2.0)  # "quick" with room to spare on a loaded machine
    telegram.say(ANNA, "hei, jeg trenger hjelp", language_code="nb")
    assert await next_text(telegram, ANNA, 1) == "Hei! Jeg er her for deg."
    await asyncio.sleep(0.5)
    assert telegram.called("sendChatAction") == [], "the answer came before typing… was due"


async def test_buttons_long_payloads_and_expired_buttons(gateway, telegram, rasa):
    telegram.say(ANNA, "buttons please")
    assert await next_text(telegram, ANNA, 1) == "Where are you?"
    rows = telegram.sent(ANNA)[0]["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in rows] == ["Bergen", "I need help", "More"]
    assert rows[2][0]["url"] == "https://example.org/more"
    assert len(LONG_PAYLOAD.encode()) > MAX_CALLBACK_DATA
    for row in rows[:2]:
        assert len(row[0]["callback_data"].encode()) <= MAX_CALLBACK_DATA
        assert row[0]["callback_data"].startswith("t:"), "a token, never the payload itself"

    query = telegram.press(ANNA, rows[0][0]["callback_data"])
    assert await next_text(telegram, ANNA, 2) == f"payload received ({len(LONG_PAYLOAD)} characters)"
    assert rasa.messages()[-1] == LONG_PAYLOAD, "the long payload reaches Rasa intact"
    assert telegram.answered(query)
    query = telegram.press(ANNA, rows[1][0]["callback_data"])
    await next_text(telegram, ANNA, 3)
    assert rasa.messages()[-1] == "/find_help" and telegram.answered(query)
    assert rasa.payloads() == [LONG_PAYLOAD, "/find_help"], "a real button press arrives flagged, as issued"

    # a token the gateway does not know (e.g. from before a restart): answered, nothing forwarded
    expired = telegram.press(ANNA, "t:AAAAAAAAAAAAAAAA")
    answer = await wait_until(lambda: telegram.answered(expired), what="the expired button's answer")
    assert answer[0]["text"] == phrase("nb", "button_expired")
    assert len(rasa.requests) == 3


async def test_forget_deletes_every_message_and_erases_the_tracker(gateway, telegram, rasa):
    telegram.say(ANNA, "/start")
    telegram.say(ANNA, "hei")
    telegram.say(ANNA, "buttons please")
    await next_text(telegram, ANNA, 3)
    telegram.press(ANNA, "l:da")
    await next_text(telegram, ANNA, 4)
    before = telegram.visible(ANNA)
    assert len(before) == 7  # 3 from the user, 4 from the bot

    telegram.say(ANNA, "/forget")
    assert await next_text(telegram, ANNA, 5) == "Erased. Starting again."
    assert rasa.messages()[-1] == "/forget_me" and rasa.requests[-1]["sender"] == rasa.requests[0]["sender"]
    assert rasa.payloads()[-1] == "/forget_me", "flagged as the gateway's own payload"
    confirmation = telegram.sent(ANNA)[-1]
    assert telegram.visible(ANNA) == [max(telegram.messages[ANNA])], "only the confirmation is left"
    assert confirmation["text"] == "Erased. Starting again."
    # the gateway notes a message's id once Telegram's answer to sendMessage is back: a moment after the fake saw it
    async def confirmation_noted():
        return len(await gateway.gateway.memory.message_ids(ANNA)) == 1

    await wait_until(confirmation_noted, what="the confirmation to be noted")
    assert await gateway.gateway.memory.language(ANNA) is None, "the language choice is forgotten too"

    # the forget_me intent from words: Rasa flags erase_chat, the gateway deletes
    telegram.say(ANNA, "delete my conversation")
    await next_text(telegram, ANNA, 6)
    assert len(telegram.visible(ANNA)) == 1


async def test_forget_still_deletes_the_messages_when_rasa_is_down(gateway, telegram, rasa):
    telegram.say(BO, "hej", language_code="sv")
    await next_text(telegram, BO, 1)
    rasa.status = 500
    telegram.say(BO, "/forget", language_code="sv")
    assert await next_text(telegram, BO, 2) == said("sv", "forget_local_only")
    assert len(telegram.visible(BO)) == 1


async def test_non_text_messages_get_a_short_answer_and_a_location_asks_for_the_town(gateway, telegram, rasa):
    photo = [{"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90}]
    kinds = [
        {"photo": photo},
        {"voice": {"file_id": "v1", "file_unique_id": "vu1", "duration": 3}},
        {"sticker": {"file_id": "s1", "file_unique_id": "su1", "width": 512, "height": 512,
                     "is_animated": False, "is_video": False, "type": "regular"}},
        {"document": {"file_id": "d1", "file_unique_id": "du1", "file_name": "passport.pdf"}},
        {"contact": {"phone_number": "+4712345678", "first_name": "Someone"}},
    ]
    for content in kinds:
        telegram.new_message(ANNA, "da", **content)
    for count in range(1, len(kinds) + 1):
        assert await next_text(telegram, ANNA, count) == said("da", "not_text")
    telegram.new_message(ANNA, "da", location={"latitude": 60.39, "longitude": 5.32})
    assert await next_text(telegram, ANNA, 6) == said("da", "location")
    assert rasa.requests == [], "nothing of this reaches Rasa"

    telegram.new_message(ANNA, "da", photo=photo, caption="hjælp, jeg er låst inde")
    assert await next_text(telegram, ANNA, 7) == said("da", "caption_only")
    assert await next_text(telegram, ANNA, 8) == "Hej! Jeg er her for dig."
    assert rasa.messages() == ["hjælp, jeg er låst inde"]


def assert_fallback(text: str, language: str) -> None:
    assert text == said(language, "fault", "emergency_numbers")
    for number in ("112", "113", "110", "22 33 11 60", "+45 70 20 25 50", "020-50 50 50"):
        assert number in text


async def test_rasa_down_the_user_gets_the_apology_and_the_emergency_numbers(start, telegram):
    await start(rasa_url="http://127.0.0.1:9")  # nothing listens there
    telegram.say(BO, "hjälp mig", language_code="sv")
    assert_fallback(await next_text(telegram, BO, 1), "sv")


async def test_rasa_error_the_user_gets_the_apology(gateway, telegram, rasa):
    rasa.status = 500
    telegram.say(ANNA, "hei", language_code="nb")
    assert_fallback(await next_text(telegram, ANNA, 1), "nb")


async def test_rasa_slow_after_5_seconds_the_user_gets_the_apology(gateway, telegram, rasa):
    rasa.delay = 8
    started = time.monotonic()
    telegram.say(ANNA, "hei", language_code="nb")
    assert_fallback(await next_text(telegram, ANNA, 1, timeout=10), "nb")
    assert 4.5 < time.monotonic() - started < 7.5
    assert len([p for p in telegram.called("sendChatAction") if int(p["chat_id"]) == ANNA]) >= 2, \
        "typing… is renewed while waiting"


async def test_flood_limits_are_respected_with_retries(gateway, telegram, rasa):
    telegram.flood("sendMessage", retry_after=1, times=2)
    started = time.monotonic()
    telegram.say(ANNA, "hei")
    assert await next_text(telegram, ANNA, 3) == "Hei! Jeg er her for deg."  # two refused, then delivered
    assert time.monotonic() - started >= 2.0
    assert len(rasa.requests) == 1, "Rasa is asked once; only the sending is retried"


async def test_more_than_20_messages_a_minute_are_not_forwarded(gateway, telegram, rasa):
    for number in range(25):
        telegram.say(BO, f"message {number}", language_code="sv")
    await wait_until(lambda: len(telegram.sent(BO)) >= 21, what="21 answers")
    await asyncio.sleep(0.5)
    assert rasa.messages() == [f"message {number}" for number in range(20)], "in order, and only 20"
    texts = telegram.texts(BO)
    assert texts.count(said("sv", "slow_down", "emergency_numbers")) == 1, "asked once, kindly"
    assert "112" in said("sv", "slow_down", "emergency_numbers"), "with the emergency numbers"
    assert len(texts) == 21
    # another chat is not affected
    telegram.say(ANNA, "hei")
    assert await next_text(telegram, ANNA, 1) == "Hei! Jeg er her for deg."
    # and /forget is never held back
    telegram.say(BO, "/forget", language_code="sv")
    await wait_until(lambda: len(telegram.visible(BO)) == 1, what="the erase")
    assert rasa.messages()[-1] == "/forget_me" and rasa.payloads() == ["/forget_me"]


async def test_huge_and_empty_messages(gateway, telegram, rasa):
    telegram.say(ANNA, "hjelp " * 2000)  # 12,000 characters
    notice = await next_text(telegram, ANNA, 1)
    assert notice == said("nb", "too_long", limit="2\xa0000")
    await next_text(telegram, ANNA, 2)
    assert 1900 <= len(rasa.requests[0]["message"]) <= 2000

    telegram.say(ANNA, "   \n  ")
    assert await next_text(telegram, ANNA, 3) == said("nb", "empty")
    assert len(rasa.requests) == 1

    telegram.say(ANNA, "a long answer please")
    await wait_until(lambda: len(telegram.sent(ANNA)) >= 4, what="the long answer")
    await asyncio.sleep(0.3)
    parts = telegram.texts(ANNA)[3:]
    assert len(parts) >= 2 and all(len(part) <= 4096 for part in parts)
    assert all(part.startswith("Paragraph ") and part.rstrip().endswith("word") for part in parts), \
        "split between paragraphs"
    assert sum(part.count("Paragraph ") for part in parts) == 12


async def test_text_is_escaped_for_html(gateway, telegram, rasa):
    telegram.say(ANNA, "markup please")
    assert await next_text(telegram, ANNA, 1) == "Use &lt;b&gt;bold&lt;/b&gt; &amp; stay safe"


async def test_other_commands_reach_rasa_as_words(gateway, telegram, rasa):
    telegram.say(ANNA, "/hjelp meg")
    await next_text(telegram, ANNA, 1)
    telegram.say(ANNA, "/Hjelp@veiviser_test_bot")
    await next_text(telegram, ANNA, 2)
    assert rasa.messages() == ["hjelp meg", "Hjelp"] and rasa.payloads() == []


async def test_nothing_a_person_types_reaches_rasa_as_a_payload(gateway, telegram, rasa):
    typed = [' /inform_location{"country":"<i>XX</i>"}', " /forget_me", " /restart", "/restart",
             "\n\t/forget_me", "/ /forget_me", "//restart now"]
    for text in typed:
        telegram.say(ANNA, text)
    photo = [{"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90}]
    telegram.new_message(ANNA, "nb", photo=photo, caption='/choose_language{"language":"sv"}')
    telegram.new_message(ANNA, "nb", photo=photo, caption=" /forget_me")
    await wait_until(lambda: len(rasa.requests) == len(typed) + 2, what="every message at Rasa")
    await next_text(telegram, ANNA, len(typed) + 4)
    assert rasa.payloads() == [], "nothing typed is flagged as a payload"
    assert rasa.messages() == ['inform_location{"country":"<i>XX</i>"}', "forget_me", "restart", "restart",
                               "forget_me", "forget_me", "restart now", 'choose_language{"language":"sv"}',
                               "forget_me"], "as words: no leading slash or space"
    assert all(r["metadata"] == {"language_code": "nb"} for r in rasa.requests)
    assert not telegram.called("deleteMessages"), "nothing was erased"
    assert await gateway.gateway.memory.language(ANNA) is None, "the caption chose no language"
    assert said("sv", "caption_only") not in telegram.texts(ANNA)


async def test_made_up_button_data_reaches_nobody(gateway, telegram, rasa):
    telegram.say(ANNA, "buttons please")
    telegram.say(BO, "buttons please", language_code="sv")
    await next_text(telegram, ANNA, 1)
    await next_text(telegram, BO, 1)
    own = telegram.sent(ANNA)[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    others = telegram.sent(BO)[0]["reply_markup"]["inline_keyboard"][1][0]["callback_data"]
    assert own.startswith("t:") and others.startswith("t:") and own != others
    before = len(rasa.requests)

    forged = ["p:/emergency", "p:/restart", "p:/find_help", others, "t:garbage", "t:", "l:xx", "l:", "/restart", ""]
    for data in forged:
        query = telegram.press(ANNA, data)
        answer = await wait_until(lambda query=query: telegram.answered(query), what="the answer")
        assert answer[0]["text"] == phrase("nb", "button_expired"), data
    await asyncio.sleep(0.3)
    assert len(rasa.requests) == before, "nothing reached Rasa"
    assert len(telegram.sent(ANNA)) == 1

    # the buttons the gateway did send still work, and arrive flagged with exactly their payload
    telegram.press(ANNA, own)
    await next_text(telegram, ANNA, 2)
    telegram.press(BO, others, language_code="sv")
    await next_text(telegram, BO, 2)
    pseudonyms = Pseudonyms(SECRET.encode())
    assert [(r["sender"], r["message"], r["metadata"]) for r in rasa.requests[before:]] == [
        (pseudonyms.sender(ANNA), LONG_PAYLOAD, {"language_code": "nb", "payload": True}),
        (pseudonyms.sender(BO), "/find_help", {"language_code": "sv", "payload": True}),
    ]

    # after /forget the chat's buttons are forgotten with it
    telegram.say(ANNA, "/forget")
    await wait_until(lambda: telegram.called("deleteMessages"), what="the erase")
    query = telegram.press(ANNA, own, message_id=1)
    answer = await wait_until(lambda: telegram.answered(query), what="the answer")
    assert answer[0]["text"] == phrase("nb", "button_expired")


async def test_an_emergency_passes_the_rate_limit(gateway, telegram, rasa):
    for number in range(40):
        telegram.say(ANNA, f"message {number}")
    telegram.say(ANNA, "hjelp, de slår meg")
    await wait_until(lambda: "hjelp, de slår meg" in rasa.messages(), what="the emergency at Rasa")
    assert await next_text(telegram, ANNA, 22) == "Hei! Jeg er her for deg.", "and its answer is delivered"
    assert rasa.messages() == [*(f"message {number}" for number in range(20)), "hjelp, de slår meg"]
    slow_down = telegram.texts(ANNA)[20]
    assert slow_down == said("nb", "slow_down", "emergency_numbers")
    assert "112" in slow_down and "22 33 11 60" in slow_down
    # the emergency did not use up the request to slow down, nor lift the limit for other messages
    telegram.say(ANNA, "message 41")
    await asyncio.sleep(0.5)
    assert rasa.messages()[-1] == "hjelp, de slår meg" and len(telegram.texts(ANNA)) == 22


async def test_only_this_bots_forget_passes_the_rate_limit(gateway, telegram, rasa):
    for _ in range(30):
        telegram.say(ANNA, "/forget@otherbot hello")
    await wait_until(lambda: len(telegram.sent(ANNA)) >= 21, what="21 answers")
    await asyncio.sleep(0.5)
    assert rasa.messages() == ["forget hello"] * 20 and rasa.payloads() == [], "words, and only 20"
    assert telegram.texts(ANNA).count(said("nb", "slow_down", "emergency_numbers")) == 1
    assert len(telegram.sent(ANNA)) == 21 and not telegram.called("deleteMessages")
    # this bot's /forget, in any case, is never held back
    telegram.say(ANNA, "/FORGET@Veiviser_Test_Bot")
    await wait_until(lambda: telegram.called("deleteMessages"), what="the erase")
    assert rasa.payloads() == ["/forget_me"]


async def test_group_chats_are_ignored(gateway, telegram, rasa):
    telegram.new_message(-100777, "nb", chat_type="group", text="hei")
    telegram.say(ANNA, "hei")
    await next_text(telegram, ANNA, 1)
    assert telegram.sent(-100777) == [] and len(rasa.requests) == 1


async def test_auto_erase_after_silence(start, telegram, rasa):
    await start(VEIVISER_AUTO_ERASE_MINUTES="0.02")  # 1.2 seconds
    telegram.say(ANNA, "/start")
    assert phrase("nb", "start_auto_erase", minutes=1) in await next_text(telegram, ANNA, 1)
    telegram.say(ANNA, "hei")
    await next_text(telegram, ANNA, 2)
    await wait_until(lambda: not telegram.visible(ANNA), timeout=5, what="the chat to be erased")
    assert rasa.messages()[-1] == "/forget_me", "the tracker is erased too"
    assert rasa.payloads() == ["/forget_me"], "flagged as the gateway's own payload"
    await asyncio.sleep(0.3)
    assert len(telegram.sent(ANNA)) == 2, "silently: nothing new in the chat"


async def test_webhook_requires_the_secret_token(start, telegram, rasa):
    from bot.stack import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    await start(TELEGRAM_WEBHOOK_URL=url, TELEGRAM_WEBHOOK_SECRET="s3cret-Token_1", TELEGRAM_WEBHOOK_PORT=port)
    assert telegram.webhook["url"] == url and telegram.webhook["secret_token"] == "s3cret-Token_1"
    assert telegram.webhook["allowed_updates"] == ["message", "callback_query"]
    assert not telegram.called("getUpdates"), "no polling in webhook mode"

    update = telegram.push({"message": {"message_id": 1, "date": int(time.time()), "text": "hei",
                                        "chat": {"id": ANNA, "type": "private"},
                                        "from": telegram.user(ANNA, "nb")}})
    async with httpx.AsyncClient() as client:
        missing = await client.post(url, json=update)
        wrong = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
        await asyncio.sleep(0.3)
        assert (missing.status_code, wrong.status_code) == (403, 403)
        assert rasa.requests == [] and telegram.sent(ANNA) == [], "a refused update never reaches Rasa"
        right = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"})
    assert right.status_code == 200
    assert await next_text(telegram, ANNA, 1) == "Hei! Jeg er her for deg."


async def test_no_telegram_id_name_or_text_in_what_rasa_gets_or_in_the_logs(gateway, telegram, rasa, caplog):
    caplog.set_level(logging.DEBUG)
    secrets_said = ["jeg heter Ingrid og bor i Bergen", "hjelp meg, de tok passet mitt"]
    telegram.say(ANNA, "/start")
    for text in secrets_said:
        telegram.say(ANNA, text)
    telegram.say(ANNA, "buttons please")
    await next_text(telegram, ANNA, 4)
    telegram.press(ANNA, telegram.sent(ANNA)[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    telegram.new_message(ANNA, "nb", location={"latitude": 60.39, "longitude": 5.32})
    await next_text(telegram, ANNA, 6)
    rasa.status = 500
    telegram.say(ANNA, "nå svarer du ikke")
    await next_text(telegram, ANNA, 7)
    telegram.say(ANNA, "/forget")
    await next_text(telegram, ANNA, 8)

    ids = [str(ANNA), "Ingrid", "Hemmeligsen", f"ingrid_secret_{ANNA}"]
    to_rasa = json.dumps(rasa.requests, ensure_ascii=False)
    for value in ids:
        assert value not in to_rasa.replace("jeg heter Ingrid", ""), value  # the user's own words aside
    assert {r["sender"] for r in rasa.requests} == {Pseudonyms(SECRET.encode()).sender(ANNA)}
    assert set(rasa.requests[0]) == {"sender", "message", "metadata"}

    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "chat " in logged, "the gateway does log, by pseudonym"
    for value in [*ids, *secrets_said, "buttons please", "nå svarer du ikke", telegram.token, SECRET]:
        assert value not in logged, value
