"""Faults of the servers behind the assistant: every emergency is still answered, nobody is left in silence.

The gateway's faults (Rasa down, hung or restarted behind it; the gateway
itself stopped) are in tests/telegram; the help directory's (files broken,
emptied or deleted while running) in tests/test_directory_safety.py.
"""
from __future__ import annotations

import os
import signal
import time
import uuid

import httpx
import pytest
from answers import HELP_NOW, emergency_first, expected

from bot.stack import Stack, send

pytestmark = [pytest.mark.model, pytest.mark.e2e]
SECRET = "Zorblax Quintavius"
NEED = f"I am {SECRET} and I need a doctor, I am in Oslo"


def notice_then_numbers(answer, language="en"):
    texts = [message.get("text") for message in answer]
    failed = expected("utter_action_failed", language)
    return failed in texts and texts.index(failed) + 1 < len(texts) and \
        texts[texts.index(failed) + 1].startswith(expected("utter_emergency", language)[:40])


def wait_until(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def logs_of(stack):
    return "".join(path.read_text(encoding="utf-8", errors="replace") for path in stack.log_dir.glob("*.log"))


def test_an_action_that_raises_gives_a_notice_and_leaks_nothing():
    with Stack(actions_package="tests.faulty_actions") as stack, httpx.Client() as client:
        sender = uuid.uuid4().hex
        answer = send(client, stack.webhook, sender, NEED, "en")
        assert notice_then_numbers(answer)
        assert emergency_first(send(client, stack.webhook, sender, HELP_NOW, "en"))
        time.sleep(0.5)
        logs = logs_of(stack)
    assert "RuntimeError" in logs, "the failure is logged, by its kind"
    for secret in ("Zorblax", "Quintavius", "need a doctor", sender):
        assert secret not in logs


@pytest.fixture
def stack():
    with Stack() as running:
        yield running


def test_a_dead_action_server_costs_a_notice_and_comes_back(stack):
    with httpx.Client() as client:
        sender = uuid.uuid4().hex
        os.killpg(stack.action_process.pid, signal.SIGKILL)
        stack.action_process.wait()
        assert emergency_first(send(client, stack.webhook, sender, HELP_NOW, "en"))
        assert notice_then_numbers(send(client, stack.webhook, sender, NEED, "en"))
        assert stack.restart_dead() == ["actions"]
        assert wait_until(lambda: "•" in "".join(m.get("text") or "" for m in send(
            client, stack.webhook, sender, NEED, "en"))), "services for Oslo again"


def test_a_hung_action_server_holds_nobody_for_long(stack):
    with httpx.Client() as client:
        os.killpg(stack.action_process.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            answer = send(client, stack.webhook, uuid.uuid4().hex, NEED, "en")
            assert time.monotonic() - started < 8, "the action call gives up after a few seconds"
            assert notice_then_numbers(answer)
            started = time.monotonic()
            assert emergency_first(send(client, stack.webhook, uuid.uuid4().hex, HELP_NOW, "en"))
            assert time.monotonic() - started < 2
        finally:
            os.killpg(stack.action_process.pid, signal.SIGCONT)


def test_a_dead_rasa_is_started_again(stack):
    with httpx.Client() as client:
        os.killpg(stack.rasa_process.pid, signal.SIGKILL)
        stack.rasa_process.wait()
        assert stack.restart_dead() == ["rasa"]
        assert stack.restart_dead() == [], "not twice for one death"

        def answers():
            try:
                return emergency_first(send(client, stack.webhook, uuid.uuid4().hex, "jeg er innelåst, hjelp meg nå", "nb"),
                                       "nb")
            except httpx.HTTPError:
                return False

        assert wait_until(answers, 120)


def test_restarts_back_off_after_quick_failures():
    from bot.stack import Backoff

    backoff = Backoff(started_at=-1000.0)
    assert backoff.due(0.0)
    backoff.restarted(0.0)
    assert backoff.due(0.0), "a server that ran long starts again at once"
    backoff.restarted(0.5)
    assert not backoff.due(1.0) and backoff.due(1.5)
    for now in (2.0, 4.0, 8.0, 16.0, 40.0, 80.0):
        backoff.restarted(now)
    assert backoff.delay == 30.0, "never more than 30 s"
    backoff.restarted(1000.0)
    assert backoff.delay == 0.0, "healthy for a minute: back to at once"


def test_a_client_that_stops_waiting_does_not_cut_a_turn_in_half(stack):
    """The gateway gives up on a hung Rasa after a few seconds; the turn must still run to its end,
    or the conversation keeps a message without its answer and the next emergency lacks the numbers."""
    sender = uuid.uuid4().hex
    with httpx.Client() as client:
        assert emergency_first(send(client, stack.webhook, sender, HELP_NOW, "en"))
        os.killpg(stack.rasa_process.pid, signal.SIGSTOP)
        try:
            with pytest.raises(httpx.ReadTimeout):
                client.post(stack.webhook, json={"sender": sender, "message": HELP_NOW}, timeout=1)
        finally:
            os.killpg(stack.rasa_process.pid, signal.SIGCONT)
        assert emergency_first(send(client, stack.webhook, sender, HELP_NOW, "en"))
