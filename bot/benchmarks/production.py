"""The production profile: two Rasa replicas on one Redis, ours against stock Rasa's Redis stores.

Both sides run the same topology on this machine at the same time: one
action server, two Rasa replicas, one throw-away redis-server each (no
persistence), with the same model and data. Ours is ``bot.serve`` with
REDIS_URL (``bot.stores``: an event log per conversation, each replica's
recent conversations kept as objects, the Lua ticket lock). The baseline is
stock ``rasa run`` (none of our speed-ups: the model's IndexedRulePolicy runs as
Rasa's RulePolicy, with ``VEIVISER_SPEEDUPS_OFF=all``) with Rasa's own ``redis`` tracker
and lock stores (the whole conversation written as one JSON text per
message and replayed before the next, the lock polled once a second when
taken). The model is ours on both sides: stock Rasa's own pipeline (DIET)
takes hours per training on this data and 2 cores, and the store and the
server are what this row compares. Each message goes to the replica with the
fewest messages in flight, as the deploy's proxy sends it (nginx
``least_conn``; nothing sticky, so a conversation's turns land on either
replica); the rounds alternate between the two sides. Ours is measured a
second time with each message sent to a replica at random (``ours_random``),
as a balancer without state would: the shared store then works just as well
(``tests/test_replicas.py`` checks that), only the two queues are uneven.
"""
from __future__ import annotations

import asyncio
import tempfile
import uuid
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlparse

import httpx
import yaml

from bot import paths
from bot.benchmarks.load import LEAST, RANDOM, Load, drive, peak_rss_mb
from bot.speedups import ALL, SWITCH_OFF
from bot.stack import Stack
from bot.stores.local_redis import LocalRedis

LEVEL = 20


def stock_redis_endpoints(redis_url: str) -> Path:
    """Our endpoints with Rasa's own Redis tracker and lock stores in place of ours."""
    endpoints = yaml.safe_load(paths.ENDPOINTS.read_text(encoding="utf-8"))
    address = urlparse(redis_url)
    endpoints["tracker_store"] = {"type": "redis", "url": address.hostname, "port": address.port, "db": 0}
    endpoints["lock_store"] = {"type": "redis", "url": address.hostname, "port": address.port, "db": 1}
    target = Path(tempfile.mkdtemp(prefix="veiviser-stock-redis-")) / "endpoints.yml"
    target.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return target


def stack_settings(name: str, redis_url: str) -> dict:
    """How one side's servers start: ours with REDIS_URL; the baseline as stock ``rasa run`` on Rasa's stores."""
    if name == "baseline":
        # the model names our IndexedRulePolicy: switched off, it is Rasa's RulePolicy (stock on both counts)
        return {"server": "rasa", "endpoints": stock_redis_endpoints(redis_url), "environment": {SWITCH_OFF: ALL}}
    return {"environment": {"REDIS_URL": redis_url}}


def replicas(name: str, model: Path, redis: LocalRedis, count: int = 2) -> list[Stack]:
    """An action server and ``count`` Rasa replicas on ``redis``, started (the first carries the action server)."""
    settings = stack_settings(name, redis.url)
    first = Stack(model=model, **settings).start()
    stacks = [first]
    try:
        for _ in range(count - 1):
            stacks.append(Stack(model=model, with_actions=False, action_port=first.action_port, **settings).start())
    except BaseException:
        for stack in stacks:
            stack.stop()
        raise
    return stacks


def run(models: dict[str, Path], conversations: int = 200, rounds: int = 4) -> dict:
    results: dict = {}
    with ExitStack() as cleanup:
        sides = {}
        for name, model in models.items():
            redis = cleanup.enter_context(LocalRedis())
            sides[name] = replicas(name, model, redis)
            for stack in sides[name]:
                cleanup.callback(stack.stop)
                httpx.post(stack.webhook, json={"sender": uuid.uuid4().hex, "message": "hello"},
                           timeout=120).raise_for_status()
        runs = [(name, name, LEAST) for name in sides] + ([("ours_random", "ours", RANDOM)] if "ours" in sides else [])
        loads = {row: Load() for row, _, _ in runs}
        for _ in range(rounds):
            for row, name, balance in runs:
                asyncio.run(drive([stack.webhook for stack in sides[name]], LEVEL, conversations // rounds, loads[row],
                                  balance))
        for row, name, balance in runs:
            stacks = sides[name]
            results[row] = loads[row].summary() | {
                "balance": balance, "replicas": len(stacks),
                "peak_rss_mb_per_replica": max(peak_rss_mb(s.rasa_process.pid) for s in stacks)}
    return results


def format_table(results: dict) -> str:
    lines = [f"production profile: 2 Rasa replicas on Redis, {LEVEL} conversations, each message to the replica "
             "with the fewest in flight (random: to any)"]
    for name, row in results.items():
        lines.append(f"  {name:11s} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
                     f"{row['messages_per_s']:6.1f} messages/s  errors {row['errors']}  "
                     f"peak RSS {row['peak_rss_mb_per_replica']} MB per replica")
    if {"ours", "baseline"} <= set(results) and results["baseline"]["messages_per_s"]:
        ratio = results["ours"]["messages_per_s"] / results["baseline"]["messages_per_s"]
        lines.append(f"  ours / stock Rasa on Redis: throughput x{ratio:.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_table(run({"ours": paths.MODEL, "baseline": paths.MODEL})))
