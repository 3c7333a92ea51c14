"""Two Rasa replicas on one real Redis: any replica answers any message, and a killed one loses nothing.

One action server, replicas A and B (``bot.serve`` with REDIS_URL), a
throw-away redis-server; each message goes to a replica picked at random,
as a load balancer would send it.
"""
from __future__ import annotations

import asyncio
import os
import random
import signal
import uuid

import httpx
import pytest
from answers import joined

from bot.i18n import phrase
from bot.stack import Stack, send

pytestmark = [pytest.mark.model, pytest.mark.e2e]
# towns no national answer names, so a town in an answer can only come from its own conversation
# ("Narvik" alone was once read as a goodbye: bot/nlu/place_name.py)
TOWNS = ["Hamar", "Gjøvik", "Lillehammer", "Molde", "Harstad", "Narvik", "Alta", "Arendal", "Larvik", "Halden",
         "Moss", "Sarpsborg", "Skien", "Porsgrunn", "Tønsberg", "Sandefjord", "Kongsberg", "Elverum", "Steinkjer",
         "Levanger"]


@pytest.fixture(scope="module")
def replicas(local_redis):
    with local_redis.client() as client:
        client.flushall()
    environment = {"REDIS_URL": local_redis.url}
    first = Stack(environment=environment, enable_api=True).start()
    try:
        second = Stack(environment=environment, enable_api=True, with_actions=False,
                       action_port=first.action_port).start()
    except BaseException:
        first.stop()
        raise
    yield first, second
    second.stop()
    first.stop()


def tracker(stack: Stack, sender: str) -> dict:
    response = httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker", timeout=10)
    response.raise_for_status()
    return response.json()


async def test_twenty_conversations_spread_over_both_replicas_lose_nothing_and_never_mix(replicas):
    rng = random.Random(14)

    async def conversation(client: httpx.AsyncClient, town: str) -> list[str]:
        sender = uuid.uuid4().hex
        answers = []
        for text in ("jeg trenger et sted å sove i natt", town, "hvor kan jeg sove?", "takk"):
            replica = rng.choice(replicas)
            body = {"sender": sender, "message": text, "metadata": {"language_code": "nb"}}
            response = await client.post(replica.webhook, json=body, timeout=60)
            response.raise_for_status()
            answers.append(joined(response.json()))
        return answers

    async with httpx.AsyncClient() as client:
        results = await asyncio.gather(*(conversation(client, town) for town in TOWNS))
    for town, answers in zip(TOWNS, results, strict=True):
        assert all(answers), f"{town}: a message got no answer"
        assert town in answers[1] and town in answers[2], f"{town}: the place was lost between replicas"
        others = [other for other in TOWNS if other != town]
        assert not any(other in answer for answer in answers for other in others), f"{town}: another conversation's answer"


def test_two_messages_of_one_conversation_at_once_take_turns(replicas):
    a, b = replicas
    sender = uuid.uuid4().hex

    async def both():
        async with httpx.AsyncClient() as client:
            return await asyncio.gather(
                client.post(a.webhook, json={"sender": sender, "message": "jeg er i Hamar",
                                             "metadata": {"language_code": "nb"}}, timeout=60),
                client.post(b.webhook, json={"sender": sender, "message": "jeg trenger en lege",
                                             "metadata": {"language_code": "nb"}}, timeout=60))

    first, second = asyncio.run(both())
    assert first.json() and second.json()
    stored = tracker(a, sender)
    said = [event["text"] for event in stored["events"] if event["event"] == "user"]
    assert sorted(said) == ["jeg er i Hamar", "jeg trenger en lege"], "both turns are stored, neither lost"
    assert stored["slots"]["municipality"], "the place from one turn is kept with the other"


def test_a_conversation_continues_on_b_after_a_is_killed(replicas):
    a, b = replicas
    sender = uuid.uuid4().hex
    with httpx.Client() as client:
        def talk(stack: Stack, text: str) -> list[dict]:
            return send(client, stack.webhook, sender, text, "sv", payload=text.startswith("/"))

        talk(a, "jag är i Malmö")
        talk(a, "är jag ett offer för människohandel?")
        assert talk(a, "/self_check_start")[0]["text"] == phrase("sv", "ask_sc_deception")
        talk(a, "/deny")
        talk(a, "/deny")
        os.killpg(a.rasa_process.pid, signal.SIGKILL)  # mid-conversation, the form half answered
        a.rasa_process.wait()

        kept = tracker(b, sender)
        assert kept["active_loop"]["name"] == "self_check_form"
        assert kept["slots"]["language"] == "sv" and kept["slots"]["municipality"]
        for _ in range(5):
            talk(b, "/deny")
        result = joined(talk(b, "/affirm"))
    assert phrase("sv", "sc_sign_conditions") in result, "the form ended on B with A's answers"
    assert "Malmö" in result, "the place given on A is used on B"


def test_health_and_metrics_without_personal_data(replicas):
    a, b = replicas
    sender = "pseudonym-" + uuid.uuid4().hex
    with httpx.Client() as client:
        send(client, b.webhook, sender, "jeg trenger et sted å sove i Hamar", "nb")
        assert client.get(f"{b.rasa_url}/webhooks/ops/live").status_code == 200
        ready = client.get(f"{b.rasa_url}/webhooks/ops/ready")
        assert ready.status_code == 200 and ready.json() == {"status": "ready"}
        assert client.get(f"http://127.0.0.1:{b.action_port}/ready").status_code == 200
        metrics = client.get(f"{b.rasa_url}/webhooks/ops/metrics").text
    assert 'veiviser_messages_total{intent="find_shelter",language="nb"}' in metrics
    assert 'veiviser_answers_total{country="NO",need="find_shelter"}' in metrics
    assert "veiviser_turn_seconds_bucket" in metrics
    assert sender not in metrics and "Hamar" not in metrics and "sove" not in metrics


def test_redis_down_a_replica_says_so_and_still_answers_with_the_emergency_numbers():
    """A replica whose Redis does not answer is not ready, and serves conversations from its own memory."""
    from bot.stack import free_port

    dead = f"redis://127.0.0.1:{free_port()}/0"
    sender = uuid.uuid4().hex
    with Stack(environment={"REDIS_URL": dead}) as stack, httpx.Client() as client:
        ready = client.get(f"{stack.rasa_url}/webhooks/ops/ready")
        assert ready.status_code == 503 and "Redis" in ready.json()["reason"]
        danger = joined(send(client, stack.webhook, sender, "de har låst mig inde og slår mig", "da"))
        place = joined(send(client, stack.webhook, sender, "jeg er i Aarhus og har brug for et sted at sove", "da"))
        again = joined(send(client, stack.webhook, sender, "hvor kan jeg sove?", "da"))
    assert "112" in danger
    assert "Aarhus" in place and "Aarhus" in again, "the conversation goes on in the replica's memory"
