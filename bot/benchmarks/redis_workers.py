"""The road not taken, measured: Rasa with Sanic workers sharing Redis, against our single process.

``python -m bot.benchmarks.redis_workers`` (needs ``redis-server`` on PATH,
e.g. Debian's ``redis-server`` package; not part of ``make bench``) starts a
throw-away Redis on a free port and runs our model three ways — as served,
and with Rasa's Redis tracker and lock stores under 1 and 2 Sanic workers —
each at 20 concurrent conversations, three rounds, and prints the medians.
"""
from __future__ import annotations

import asyncio
import os
import statistics
import sys
from pathlib import Path

import httpx

from bot import paths
from bot.benchmarks.load import Load, drive
from bot.benchmarks.production import stock_redis_endpoints
from bot.stack import Stack
from bot.stores.local_redis import LocalRedis


def measure(endpoints: Path, workers: int, rounds: int = 3) -> dict:
    os.environ["SANIC_WORKERS"] = str(workers)
    summaries = []
    try:
        for _ in range(rounds):
            with Stack(endpoints=endpoints) as stack:
                httpx.post(stack.webhook, json={"sender": "warm-up", "message": "hello"}, timeout=60)
                asyncio.run(drive(stack.webhook, 20, 40, Load()))
                load = Load()
                asyncio.run(drive(stack.webhook, 20, 200, load))
                summaries.append(load.summary())
    finally:
        os.environ.pop("SANIC_WORKERS", None)
    return {key: statistics.median(s[key] for s in summaries) for key in ("p50_ms", "p95_ms", "messages_per_s")} | {
        "errors": sum(s["errors"] for s in summaries)}


def main() -> int:
    try:
        redis = LocalRedis().start()
    except FileNotFoundError as missing:
        print(missing, file=sys.stderr)
        return 2
    try:
        rows = {"ours (1 process, objects in memory)": measure(paths.ENDPOINTS, 1)}
        for workers in (1, 2):
            rows[f"Redis tracker + lock store, {workers} Sanic worker(s)"] = measure(
                stock_redis_endpoints(redis.url), workers)
    finally:
        redis.stop()
    for name, row in rows.items():
        print(f"{name:45s} p50 {row['p50_ms']:6.1f} ms  p95 {row['p95_ms']:6.1f} ms  "
              f"{row['messages_per_s']:6.1f} msg/s  errors {row['errors']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
