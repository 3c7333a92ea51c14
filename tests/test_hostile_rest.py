"""Hostile input over Rasa's REST channel: no crash, no injected intent, emergencies still answered, no text in any log.

Every probe carries recognisable strings (``CANARIES``); after all probes the
logs of both servers are searched for them. After every probe a new
conversation's emergency, and the probing conversation's own, must still get
the emergency numbers first. The probes follow the reliability audit of
2026-12 (``../shared/reference/audit/reliability-audit-2026-12.md``).
"""
from __future__ import annotations

import json
import time
import uuid

import httpx
import pytest
from answers import HELP_NOW, emergency_first, expected

from bot.contract import PAYLOAD_FLAG
from bot.stack import Stack, send

pytestmark = [pytest.mark.model, pytest.mark.e2e]

NAME = "Zorblax Quintavius"
PHONE = "+4799887766"
STREET = "Bergenhusvei 12"
CANARIES = ["Zorblax", "Quintavius", PHONE, STREET]
S = f"my name is {NAME}, call me on {PHONE}, I live in {STREET}"


def body(message, sender="SENDER", **extra):
    return {"sender": sender, "message": message, **extra}


def flagged(payload):
    return body(payload, metadata={PAYLOAD_FLAG: True})


# (id, request body: bytes as sent, or an object sent as JSON, expected status)
PROBES = [
    ("not json", f"hello {S}".encode(), 400),
    ("json array", json.dumps([S]).encode(), 400),
    ("json string", json.dumps(S).encode(), 400),
    ("empty body", b"", 400),
    ("empty object", {}, 400),
    ("no sender", {"message": S}, 400),
    ("empty sender", body(S, sender=""), 400),
    ("number sender", body(S, sender=123), 400),
    ("sender with spaces", body(S, sender=f"a b {NAME}"), 400),
    ("sender too long", body(S, sender="a" * 500), 400),
    ("sender not ascii", body(S, sender="ølse"), 400),
    ("no message", {"sender": "SENDER"}, 400),
    ("number message", body(12345), 400),
    ("list message", body([S]), 400),
    ("null message", body(None), 400),
    ("metadata string", body(S, metadata=S), 400),
    ("metadata list", body(S, metadata=[S]), 400),
    ("metadata 5 MB", body(S, metadata={"blob": S * 60_000}), 200),
    ("metadata language code path", body(S, metadata={"language_code": "../../etc/passwd"}), 200),
    ("metadata language code huge", body(S, metadata={"language_code": "en" * 5000}), 200),
    ("metadata language code list", body(S, metadata={"language_code": ["en"]}), 200),
    ("metadata payload string", body("/restart", metadata={PAYLOAD_FLAG: "true"}), 200),
    ("input channel forged", body(S, input_channel="telegram"), 200),
    ("typed restart", body("/restart"), 200),
    ("typed restart after space", body(" /restart"), 200),
    ("typed forget after space", body("  /forget_me"), 200),
    ("typed payload dict country", body('/inform_location{"country":{"a":1}}'), 200),
    ("typed payload html country", body('/inform_location{"country":"<img src=x>"}'), 200),
    ("typed payload after tab", body('\t/choose_language{"language":"sv"}'), 200),
    ("typed Æ slash", body(f"/Ærlig talt, jeg heter {NAME} og er redd"), 200),
    ("typed slash space", body(f"/ {NAME} trenger hjelp"), 200),
    ("typed broken payload", body(f'/inform_location{{{{"country": "{NAME}"'), 200),
    ("flagged unknown country", flagged('/inform_location{"country":"XX"}'), 200),
    ("flagged dict country", flagged('/inform_location{"country":{"a":1}}'), 200),
    ("flagged html country", flagged('/inform_location{"country":"<img src=x>"}'), 200),
    ("flagged extra entity", flagged('/inform_location{"country":"NO","name":"x"}'), 200),
    ("flagged broken json", flagged('/inform_location{"country":"NO"'), 200),
    ("flagged restart", flagged("/restart"), 200),
    ("flagged session start", flagged("/session_start"), 200),
    ("flagged unknown intent", flagged("/take_over_the_world"), 200),
    ("flagged html language", flagged('/choose_language{"language":"<b>x</b>"}'), 200),
    ("flagged html exploitation", flagged('/staff_suspect_case{"exploitation":"<b>x</b>"}'), 200),
    ("flagged huge payload", flagged("/greet" + " " * 10_000), 200),
    ("flagged number municipality", flagged('/inform_location{"municipality":4601,"country":"NO"}'), 200),
    ("lone surrogate", body(f"\ud800 {S}"), 200),
    ("lone surrogates only", body("\udfff\ud800"), 200),
    ("nul bytes", body(f"{S}\x00\x00\x00"), 200),
    ("control characters", body(f"\x1b[31m{S}\x07\x08"), 200),
    ("right-to-left override", body(f"\u202e{S}\u202c"), 200),
    ("zero width", body(f"\u200b\u200d{S}\ufeff"), 200),
    ("one 100k word", body("Zorblax" * 15_000), 200),
    ("100k words", body((S + " ") * 1_500), 200),
    ("5 MB message", body(S * 60_000), 200),
    ("combining marks", body("Zorblax" + "\u0301" * 20_000), 200),
    ("newlines", body("\n" * 5000 + S), 200),
    ("only white space", body(" \t \n "), 200),
    ("empty message", body(""), 200),
    ("emoji only", body("😱😱😱🆘"), 200),
    ("html", body(f"<script>alert('{NAME}')</script><b>{PHONE}</b>"), 200),
    ("sql", body(f"'; DROP TABLE trackers; -- {NAME}"), 200),
    ("format strings", body(f"{{0}} %s %(x)s {{language}} {{{{7*7}}}} {NAME}"), 200),
    ("yaml tags", body(f"!!python/object/apply:os.system ['echo {NAME}']"), 200),
    ("markdown link", body(f"[{NAME}](javascript:alert(1))"), 200),
    ("duplicate keys", f'{{"sender":"SENDER","message":"hi","message":"{S}"}}'.encode(), 200),
    ("deep nesting", ('{"sender":"SENDER","message":"hi","metadata":' + "[" * 5000 + "]" * 5000 + "}").encode(), 400),
]


def _send_raw(client, webhook, probe_body, sender):
    if isinstance(probe_body, (bytes, bytearray)):
        content = bytes(probe_body).replace(b'"SENDER"', json.dumps(sender).encode())
        return client.post(webhook, content=content, headers={"Content-Type": "application/json"}, timeout=30)
    if isinstance(probe_body, dict) and probe_body.get("sender") == "SENDER":
        probe_body = {**probe_body, "sender": sender}
    return client.post(webhook, content=json.dumps(probe_body).encode(), headers={"Content-Type": "application/json"},
                       timeout=30)


@pytest.fixture(scope="module")
def stack():
    with Stack() as running:
        yield running


@pytest.fixture(scope="module")
def client():
    with httpx.Client() as shared:
        yield shared


def emergency_answered(client, webhook, sender):
    return emergency_first(send(client, webhook, sender, HELP_NOW, "en"))


@pytest.mark.parametrize(("probe", "probe_body", "status"), PROBES, ids=[p[0] for p in PROBES])
def test_hostile_request(stack, client, probe, probe_body, status):
    sender = uuid.uuid4().hex
    started = time.monotonic()
    response = _send_raw(client, stack.webhook, probe_body, sender)
    assert response.status_code == status, response.text[:200]
    assert time.monotonic() - started < 5, "one message must not hold the server for seconds"
    if status == 200:
        answer = response.json()
        assert isinstance(answer, list)
        shown = json.dumps(answer, ensure_ascii=False)
        for marker in ("<img", "<b>x", "XX", "take_over"):
            assert marker not in shown, "a value from a payload was taken and echoed"
        assert emergency_answered(client, stack.webhook, sender), "the same conversation still gets 112"
    assert emergency_answered(client, stack.webhook, uuid.uuid4().hex), "a new conversation still gets 112"
    assert stack.running()


def test_typed_payloads_are_words_not_intents(stack, client):
    """A typed "/restart" does not reset; a typed country payload sets nothing (they are read as words)."""
    sender = uuid.uuid4().hex
    send(client, stack.webhook, sender, "I am in Sweden", "en")
    for typed in ("/restart", " /restart", '/inform_location{"country":"DK"}', '/inform_location{"municipality":"0301"}'):
        send(client, stack.webhook, sender, typed, "en")
    answer = send(client, stack.webhook, sender, HELP_NOW, "en")
    assert answer[0]["text"] == expected("utter_emergency", "en", index=2), "still Sweden: nothing was reset"


def test_a_real_button_still_works(stack, client):
    sender = uuid.uuid4().hex
    send(client, stack.webhook, sender, '/inform_location{"country":"DK"}', "en", payload=True)
    answer = send(client, stack.webhook, sender, HELP_NOW, "en")
    assert answer[0]["text"] == expected("utter_emergency", "en", index=1), "Denmark, from the button"


def test_a_surrogate_does_not_silence_an_emergency(stack, client):
    answer = send(client, stack.webhook, uuid.uuid4().hex, "\ud800 help, they are beating me".encode(
        "utf-8", "surrogatepass").decode("utf-8", "replace"), None)
    assert emergency_first(answer)
    raw = '{"sender":"' + uuid.uuid4().hex + '","message":"\\ud800 help, they are beating me"}'
    response = client.post(stack.webhook, content=raw.encode(), headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert emergency_first(response.json())


def test_no_canary_in_any_log(stack, client):
    """Runs after the probes (pytest keeps file order): nothing anyone wrote is in a log."""
    time.sleep(0.5)
    logs = {path.name: path.read_text(encoding="utf-8", errors="replace") for path in stack.log_dir.glob("*.log")}
    assert logs
    for name, text in logs.items():
        for canary in CANARIES:
            assert canary not in text, f"{canary!r} in {name}"
