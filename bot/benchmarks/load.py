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


async def _conversation(client: aiohttp.ClientSession, webhooks: list[str], language: str, load: Load,
                        pick: random.Random) -> None:
    sender = uuid.uuid4().hex
    for text in CONVERSATIONS[language]:
        start = time.perf_counter()
        try:
            async with client.post(pick.choice(webhooks), json={"sender": sender, "message": text,
                                                  "metadata": {"language_code": language}}) as response:
                response.raise_for_status()
                await response.read()
        except (aiohttp.ClientError, asyncio.TimeoutError):
            load.errors += 1
            continue
        load.latencies_ms.append((time.perf_counter() - start) * 1000)


async def drive(webhook: str | list[str], concurrency: int, conversations: int, load: Load) -> None:
    """``conversations`` conversations, ``concurrency`` of them at a time.

    Given several webhooks (replicas), each message goes to one picked at
    random, as a load balancer without stickiness would send it.

    The client is aiohttp, the lightest HTTP client at hand: it shares the
    two cores with the servers, and httpx cost three times as much CPU per
    request, which made both stacks look slower than they are.
    """
    webhooks = [webhook] if isinstance(webhook, str) else list(webhook)
    pick = random.Random(len(load.latencies_ms))
    languages = list(CONVERSATIONS)
    queue = [languages[i % len(languages)] for i in range(conversations)]
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as client:
        async def worker() -> None:
            while queue:
                await _conversation(client, webhooks, queue.pop(), load, pick)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        load.seconds += time.perf_counter() - start


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0
