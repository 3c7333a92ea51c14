"""Driving conversations against a webhook and measuring them: what every stack benchmark shares.

``bot.benchmarks.stack`` (ours against stock Rasa), ``gateway`` (through the
Telegram gateway) and ``redis_workers`` all send the same short conversations
per language and summarise latencies the same way.
"""
from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field

import aiohttp

CONVERSATIONS = {
    "en": ["hello", "I'm in Bergen and need somewhere safe to sleep", "what are my rights?",
           "he is going to kill me", "thank you"],
    "nb": ["hei", "jeg er i Trondheim og trenger en lege", "hva er refleksjonsperiode?",
           "han slår meg, hjelp", "tusen takk"],
    "da": ["hej", "jeg er i Aarhus og har brug for et sted at sove", "kan jeg få erstatning?",
           "de har låst mig inde", "tak skal du have"],
    "sv": ["hej", "jag är i Malmö och behöver en advokat", "vad har jag för rättigheter?",
           "han ska döda mig", "tack så mycket"],
}


@dataclass
class Load:
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0

    def summary(self) -> dict:
        ordered = sorted(self.latencies_ms) or [0.0]

        def pick(share: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

        return {
            "messages": len(self.latencies_ms), "errors": self.errors,
            "p50_ms": pick(0.5), "p95_ms": pick(0.95), "p99_ms": pick(0.99),
            "messages_per_s": round(len(self.latencies_ms) / self.seconds, 1) if self.seconds else 0.0,
        }


LEAST = "least"  # as the deploy's proxy balances (nginx ``least_conn``, deploy/nginx.conf)
RANDOM = "random"  # as a balancer without any state would


class Balancer:
    """Which replica gets the next message: the one with the fewest messages in flight (ties at random),
    or any at random. Nothing is sticky: each message may go to another replica than the last one."""

    def __init__(self, webhooks: list[str], rule: str = LEAST, seed: int = 0) -> None:
        if rule not in (LEAST, RANDOM):
            raise ValueError(f"unknown balancing rule {rule!r} (use {LEAST} or {RANDOM})")
        self.rule, self._pick = rule, random.Random(seed)
        self._in_flight = dict.fromkeys(webhooks, 0)

    def take(self) -> str:
        webhooks = list(self._in_flight)
        if self.rule == LEAST:
            fewest = min(self._in_flight.values())
            webhooks = [webhook for webhook, busy in self._in_flight.items() if busy == fewest]
        webhook = self._pick.choice(webhooks)
        self._in_flight[webhook] += 1
        return webhook

    def done(self, webhook: str) -> None:
        self._in_flight[webhook] -= 1


async def _conversation(client: aiohttp.ClientSession, balancer: Balancer, language: str, load: Load) -> None:
    sender = uuid.uuid4().hex
    for text in CONVERSATIONS[language]:
        start = time.perf_counter()
        webhook = balancer.take()
        try:
            async with client.post(webhook, json={"sender": sender, "message": text,
                                                  "metadata": {"language_code": language}}) as response:
                response.raise_for_status()
                await response.read()
        except (aiohttp.ClientError, asyncio.TimeoutError):
            load.errors += 1
            continue
        finally:
            balancer.done(webhook)
        load.latencies_ms.append((time.perf_counter() - start) * 1000)


async def drive(webhook: str | list[str], concurrency: int, conversations: int, load: Load,
                balance: str = LEAST) -> None:
    """``conversations`` conversations, ``concurrency`` of them at a time.

    Given several webhooks (replicas), each message goes to the one with the
    fewest messages in flight, as the deploy's proxy sends it (``balance``
    ``random``: to any, as a balancer without state would).

    The client is aiohttp, the lightest HTTP client at hand: it shares the
    two cores with the servers, and httpx cost three times as much CPU per
    request, which made both stacks look slower than they are.
    """
    balancer = Balancer([webhook] if isinstance(webhook, str) else list(webhook), balance,
                        seed=len(load.latencies_ms))
    languages = list(CONVERSATIONS)
    queue = [languages[i % len(languages)] for i in range(conversations)]
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as client:
        async def worker() -> None:
            while queue:
                await _conversation(client, balancer, queue.pop(), load)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        load.seconds += time.perf_counter() - start


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0
