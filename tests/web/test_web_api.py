"""The web chat's server, in process (aiohttp's test server): the page, its headers, turns and their rules.

Rasa is either stopped (nothing listens where it should be) or the real
assistant (``e2e_stack``). Bad input gets a clear error naming the field,
never a crash; acute danger passes the rate limit; nothing a person wrote and
no tab id reaches the log.
"""
from __future__ import annotations

import logging
import re
import secrets

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.contract import MAX_TEXT
from bot.i18n.phrases import Phrasebook
from bot.relay.limits import RATE_LIMIT
from bot.relay.settings import ConfigError
from bot.stack import free_port
from bot.web.chat import GATEWAY_PHRASES, WEB_PHRASES
from bot.web.config import load_web_config
from bot.web.links import parts
from bot.web.server import MAX_BODY, make_app

web_phrase = Phrasebook(WEB_PHRASES, "web")
gateway_phrase = Phrasebook(GATEWAY_PHRASES, "gateway")
EXIT = "https://weather.example/"


def config(rasa_url: str, **more: str):
    return load_web_config({"RASA_URL": rasa_url, "VEIVISER_EXIT_URL": EXIT, **more})


@pytest.fixture
async def offline():
    """The web chat with Rasa stopped."""
    client = TestClient(TestServer(make_app(config(f"http://127.0.0.1:{free_port()}"))))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture
async def online(e2e_stack):
    client = TestClient(TestServer(make_app(config(e2e_stack.rasa_url))))
    await client.start_server()
    yield client
    await client.close()


def tab() -> str:
    return secrets.token_hex(16)


def text_of(turn: dict) -> str:
    return "\n".join("".join(part["text"] for part in message["parts"]) for message in turn["messages"])


# -- the page ------------------------------------------------------------------------------
@pytest.mark.parametrize(("header", "language", "direction"), [
    ("uk-UA,uk;q=0.9,en;q=0.5", "uk", "ltr"),
    ("de-DE,ar;q=0.8", "ar", "rtl"),
    ("nn-NO", "nb", "ltr"),
    ("de, *;q=0.1", "en", "ltr"),
    ("", "en", "ltr"),
])
async def test_the_page_speaks_the_browsers_language(offline, header, language, direction):
    response = await offline.get("/", headers={"Accept-Language": header})
    page = await response.text()
    assert response.status == 200
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert f">{web_phrase(language, 'quick_exit')}</a>" in page.replace("&#x27;", "'")
    assert 'href="tel:112"' in page, "112 is in the page itself, before any turn"


async def test_a_language_asked_for_wins_and_garbage_falls_back(offline):
    assert '<html lang="th"' in await (await offline.get("/?lang=th", headers={"Accept-Language": "sv"})).text()
    assert '<html lang="sv"' in await (await offline.get("/?lang=<script>", headers={"Accept-Language": "sv"})).text()


async def test_every_answer_is_locked_down_and_sets_nothing(offline):
    for path in ("/", "/static/chat.js", "/static/chat.css", "/texts/fa", "/live", "/nowhere"):
        response = await offline.get(path)
        headers = response.headers
        assert headers["Cache-Control"] == "no-store", path
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert "script-src 'self';" in headers["Content-Security-Policy"]
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "Set-Cookie" not in headers
    page = await (await offline.get("/")).text()
    assert not re.search(r"<script(?![^>]*(src=\"/static/chat.js\"|type=\"application/json\"))", page), \
        "no inline script: the CSP would block it anyway"
    assert not re.search(r"(src|href)=\"(https?:)?//", page.replace(f'href="{EXIT}"', "")), \
        "nothing loaded from elsewhere (the quick exit's link is the one address out)"
    assert (await offline.get("/static/../config.py")).status == 404


async def test_the_whole_page_weighs_at_most_100_kb(offline):
    total = 0
    for path in ("/", "/static/chat.js", "/static/chat.css"):
        total += len(await (await offline.get(path, headers={"Accept-Language": "ti"})).read())
    assert total <= 100 * 1024, f"{total} bytes"


async def test_the_texts_of_each_language_come_with_their_direction(offline):
    for language, direction in (("fa", "rtl"), ("vi", "ltr")):
        texts = await (await offline.get(f"/texts/{language}")).json()
        assert texts["dir"] == direction and texts["labels"]["delete"] == web_phrase(language, "delete")
        assert any(part.get("tel") == "tel:112" for part in texts["numbers"])
    assert (await offline.get("/texts/xx")).status == 404


# -- what the page may send ----------------------------------------------------------------
@pytest.mark.parametrize(("body", "field"), [
    ({"text": "hello"}, "tab"),
    ({"tab": "short", "text": "hello"}, "tab"),
    ({"tab": "../../etc/passwd" * 3, "text": "hello"}, "tab"),
    ({"tab": "a" * 32, "text": 42}, "text"),
    ({"tab": "a" * 32}, "text"),
    ({"tab": "a" * 32, "button": ["t:x"]}, "button"),
    ({"tab": "a" * 32, "choose": "klingon"}, "choose"),
])
async def test_a_malformed_turn_is_refused_naming_the_field(offline, body, field):
    response = await offline.post("/message", json=body)
    assert response.status == 400 and await response.json() == {"error": field}


async def test_only_json_from_this_page_is_read(offline):
    assert (await offline.post("/message", data="tab=x&text=hi",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})).status == 400
    assert (await offline.post("/message", data="{not json", headers={"Content-Type": "application/json"})).status == 400
    assert (await offline.post("/message", json=[1, 2])).status == 400
    cross = await offline.post("/message", json={"tab": tab(), "text": "hi"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status == 400 and await cross.json() == {"error": "origin"}
    huge = await offline.post("/message", json={"tab": tab(), "text": "x" * MAX_BODY})
    assert huge.status == 413


async def test_a_made_up_button_reaches_nobody(offline):
    turn = await (await offline.post("/message", json={"tab": tab(), "button": "t:madeup12345"})).json()
    assert text_of(turn) == gateway_phrase("en", "button_expired")


async def test_an_empty_message_gets_a_kind_answer(offline):
    turn = await (await offline.post("/message", json={"tab": tab(), "text": "  / "})).json()
    assert text_of(turn) == gateway_phrase("en", "empty")


# -- Rasa stopped ----------------------------------------------------------------------------
async def test_without_rasa_acute_danger_gets_the_numbers_in_its_own_language(offline):
    turn = await (await offline.post("/message", json={"tab": tab(), "text": "ช่วยด้วย เขาขังฉันไว้", "language": "en"},
                                     headers={"Accept-Language": "en"})).json()
    assert turn["language"] == "th"
    assert text_of(turn) == f"{gateway_phrase('th', 'fault')}\n\n{gateway_phrase('th', 'emergency_numbers')}"
    assert turn["messages"][0]["notice"] is True


async def test_the_menu_choice_wins_over_the_texts_language(offline):
    body = {"tab": tab(), "text": "help, they locked me in", "language": "ro", "chosen": True}
    turn = await (await offline.post("/message", json=body)).json()
    assert turn["language"] == "ro" and gateway_phrase("ro", "emergency_numbers") in text_of(turn)


async def test_deleting_without_rasa_says_the_rest_waits(offline):
    turn = await (await offline.post("/forget", json={"tab": tab(), "language": "pl"})).json()
    assert turn["erased"] is True and text_of(turn) == web_phrase("pl", "deleted_local_only")


# -- the rate limit, the length cap --------------------------------------------------------
async def test_over_the_rate_limit_once_asked_to_slow_down_then_dropped_but_danger_always_passes(offline):
    me = tab()
    for _ in range(RATE_LIMIT):
        turn = await (await offline.post("/message", json={"tab": me, "text": "what are my rights"})).json()
        assert gateway_phrase("en", "fault") in text_of(turn)
    slow = await offline.post("/message", json={"tab": me, "text": "what are my rights"})
    assert slow.status == 200
    assert text_of(await slow.json()).startswith(gateway_phrase("en", "slow_down"))
    dropped = await offline.post("/message", json={"tab": me, "text": "what are my rights"})
    assert dropped.status == 429 and (await dropped.json())["messages"] == []
    danger = await offline.post("/message", json={"tab": me, "text": "he has a knife and says he will kill me"})
    assert danger.status == 200
    assert gateway_phrase("en", "emergency_numbers") in text_of(await danger.json())
    other = await offline.post("/message", json={"tab": tab(), "text": "what are my rights"})
    assert other.status == 200, "the limit is per tab"


async def test_a_very_long_message_is_read_up_to_the_cap_and_says_so(offline):
    turn = await (await offline.post("/message", json={"tab": tab(), "text": "word " * 1000})).json()
    assert text_of(turn).startswith(gateway_phrase("en", "too_long", limit=f"{MAX_TEXT:,}".replace(",", " ")))


async def test_with_redis_every_replica_knows_the_tabs_buttons_and_rate(e2e_stack, redis_url):
    """Two web chat replicas on one Redis: a button shown by A works on B; the rate is counted once."""
    settings = config(e2e_stack.rasa_url, REDIS_URL=redis_url, VEIVISER_SECRET="s" * 40)
    a, b = TestClient(TestServer(make_app(settings))), TestClient(TestServer(make_app(settings)))
    await a.start_server()
    await b.start_server()
    try:
        me = tab()
        turn = await (await a.post("/message", json={"tab": me, "text": "Where can I sleep tonight? I am in Oslo"})).json()
        token = next(button["token"] for message in turn["messages"] for button in message["buttons"])
        pressed = await (await b.post("/message", json={"tab": me, "button": token})).json()
        assert text_of(pressed) != gateway_phrase("en", "button_expired")
        for turn_number in range(RATE_LIMIT - 2):  # with the two above: the limit, over both replicas
            await (a if turn_number % 2 else b).post("/message", json={"tab": me, "button": "t:madeup12345"})
        slow = await (await a.post("/message", json={"tab": me, "text": "hello"})).json()
        assert text_of(slow).startswith(gateway_phrase("en", "slow_down"))
    finally:
        await a.close()
        await b.close()


def test_redis_needs_a_shared_secret():
    with pytest.raises(ConfigError, match="VEIVISER_SECRET"):
        load_web_config({"REDIS_URL": "redis://127.0.0.1:1/0"})
    with pytest.raises(ConfigError, match="VEIVISER_EXIT_URL"):
        load_web_config({"VEIVISER_EXIT_URL": "javascript:alert(1)"})


# -- the log ---------------------------------------------------------------------------------
async def test_nothing_written_and_no_tab_id_reaches_the_log(offline, caplog):
    caplog.set_level(logging.DEBUG)
    me, secret = tab(), "my name is Ana Petrescu and I live at Storgata 5"
    await offline.post("/message", json={"tab": me, "text": secret})
    await offline.post("/message", json={"tab": me, "text": ["bad"]})
    await offline.post("/forget", json={"tab": me})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Rasa unavailable" in logged, "the log says what happened"
    assert me not in logged and "Petrescu" not in logged and "Storgata" not in logged


# -- with the real assistant -----------------------------------------------------------------
@pytest.mark.model
@pytest.mark.e2e
async def test_buttons_are_tokens_of_one_tab_and_a_turn_reaches_rasa(online):
    me = tab()
    turn = await (await online.post("/message", json={"tab": me, "text": "Where can I sleep tonight? I am in Oslo"})).json()
    buttons = [button for message in turn["messages"] for button in message["buttons"]]
    assert buttons and all(re.fullmatch(r"t:[A-Za-z0-9_-]{11}", b["token"]) for b in buttons), "no payload leaves"
    assert any(part.get("tel") for message in turn["messages"] for part in message["parts"])
    stolen = await (await online.post("/message", json={"tab": tab(), "button": buttons[0]["token"]})).json()
    assert text_of(stolen) == gateway_phrase("en", "button_expired"), "another tab cannot press it"
    pressed = await (await online.post("/message", json={"tab": me, "button": buttons[0]["token"]})).json()
    assert pressed["messages"] and text_of(pressed) != gateway_phrase("en", "button_expired")


@pytest.mark.model
@pytest.mark.e2e
async def test_delete_erases_the_conversation_in_rasa(online):
    me = tab()
    await online.post("/message", json={"tab": me, "text": "I am in Tromsø"})
    response = await online.post("/forget", json={"tab": me, "language": "en"})
    turn = await response.json()
    assert turn["erased"] is True and text_of(turn) == web_phrase("en", "deleted")
    after = await (await online.post("/message", json={"tab": me, "text": "where can I sleep tonight?"})).json()
    assert "Tromsø" not in text_of(after), "the place named before is forgotten"


@pytest.mark.model
@pytest.mark.e2e
async def test_the_language_choice_goes_to_rasa_as_the_chats_own_payload(online):
    turn = await (await online.post("/message", json={"tab": tab(), "choose": "vi", "chosen": True})).json()
    assert turn["language"] == "vi" and turn["messages"]
    payload_as_text = await (await online.post("/message", json={"tab": tab(), "text": "/choose_language{\"language\":\"vi\"}"})).json()
    assert payload_as_text["language"] == "en", "typed, a payload is only words"


def test_numbers_are_linked_but_years_ages_and_amounts_are_not():
    found = [part for part in parts("Call 112 or 22 33 11 60. In 2024, aged 17, I owed 20 000 kr. 116 111 \u2066+45 70 20 25 50\u2069")
             if "tel" in part]
    assert [part["tel"] for part in found] == ["tel:112", "tel:22331160", "tel:116111", "tel:+4570202550"]
    assert "".join(part["text"] for part in parts("a \u2066112\u2069 b")) == "a 112 b"
