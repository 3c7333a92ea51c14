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
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import yaml

from bot import paths
from bot.benchmarks.load import Load, drive
from bot.stack import Stack, free_port


def _endpoints(redis_port: int | None) -> Path:
    endpoints = yaml.safe_load(paths.ENDPOINTS.read_text(encoding="utf-8"))
    if redis_port is not None:
        endpoints["tracker_store"] = {"type": "redis", "url": "127.0.0.1", "port": redis_port, "db": 0}
        endpoints["lock_store"] = {"type": "redis", "url": "127.0.0.1", "port": redis_port, "db": 1}
    target = Path(tempfile.mkdtemp(prefix="veiviser-redis-")) / "endpoints.yml"
    target.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return target


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
    if shutil.which("redis-server") is None:
        print("redis-server is not on PATH (Debian: apt-get install redis-server)", file=sys.stderr)
        return 2
    port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL)
    try:
        rows = {"ours (1 process, objects in memory)": measure(_endpoints(None), 1)}
        for workers in (1, 2):
            rows[f"Redis tracker + lock store, {workers} Sanic worker(s)"] = measure(_endpoints(port), workers)
    finally:
        redis.terminate()
    for name, row in rows.items():
        print(f"{name:45s} p50 {row['p50_ms']:6.1f} ms  p95 {row['p95_ms']:6.1f} ms  "
              f"{row['messages_per_s']:6.1f} msg/s  errors {row['errors']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
