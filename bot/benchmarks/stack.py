"""The whole stack under load, ours beside stock Rasa: latency, throughput, memory, start-up.

Both stacks (action server + Rasa) run at the same time on free ports of
127.0.0.1. For each concurrency level the same scripted conversations are sent
to ours, then to the baseline, in alternating rounds, so machine noise hits
both alike. Every conversation is a realistic mix in one of the four tier-1
languages: a greeting, a need with a place (custom action), a rights question
(custom action), an emergency and thanks.
"""
from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from pathlib import Path

import httpx

from bot.benchmarks import gateway
from bot.benchmarks.load import Load, drive, peak_rss_mb
from bot.stack import Stack

LEVELS = (1, 5, 20)


def start_timed(stack: Stack) -> float:
    """Start ``stack`` and return the seconds until it answered its first message."""
    began = time.perf_counter()
    stack.start()
    with httpx.Client() as client:
        client.post(stack.webhook, json={"sender": uuid.uuid4().hex, "message": "hello"}, timeout=120).raise_for_status()
    return round(time.perf_counter() - began, 1)


def training_seconds(model: Path) -> float | None:
    record = model.with_suffix("").with_suffix(".train.json")
    if record.exists():
        return json.loads(record.read_text(encoding="utf-8")).get("seconds")
    return None


BASELINE_ENDPOINTS = Path(__file__).with_name("baseline-endpoints.yml")


def stack_for(name: str, model: Path) -> Stack:
    """Ours as we serve it (``bot.serve``); the baseline as stock ``rasa run`` with stock endpoints."""
    if name == "baseline":
        return Stack(model=model, server="rasa", endpoints=BASELINE_ENDPOINTS)
    return Stack(model=model)


def run(models: dict[str, Path], levels=LEVELS, per_level: dict[int, int] | None = None, rounds: int = 4,
        gateway_levels: dict[int, int] | None = None) -> dict:
    """Benchmark each named model; the first is "ours" (and also through the Telegram gateway if ``gateway_levels``)."""
    per_level = per_level or {1: 20, 5: 60, 20: 200}
    stacks = {name: stack_for(name, path) for name, path in models.items()}
    results: dict = {name: {"ready_s": None, "levels": {}} for name in models}
    try:
        for name, stack in stacks.items():
            results[name]["ready_s"] = start_timed(stack)
        for level in levels:
            loads = {name: Load() for name in models}
            for _ in range(rounds):
                for name, stack in stacks.items():  # alternate: ours, baseline, ours, baseline
                    asyncio.run(drive(stack.webhook, level, per_level[level] // rounds, loads[name]))
            for name in models:
                results[name]["levels"][str(level)] = loads[name].summary()
        ours = next(iter(stacks))
        if gateway_levels:
            results[ours]["gateway"] = asyncio.run(
                gateway.measure(stacks[ours].rasa_url, stacks[ours].log_dir, gateway_levels))
        for name, stack in stacks.items():
            rasa, actions = stack.rasa_process, stack.action_process
            results[name]["peak_rss_mb"] = {"rasa": peak_rss_mb(rasa.pid), "action_server": peak_rss_mb(actions.pid)}
            if "gateway" in results[name]:
                results[name]["peak_rss_mb"]["gateway"] = results[name]["gateway"]["peak_rss_mb"]
            results[name]["training_s"] = training_seconds(models[name])
    finally:
        for stack in stacks.values():
            stack.stop()
    return results


def ratios(ours: dict, baseline: dict) -> dict:
    def ratio(a: float | None, b: float | None) -> float | None:
        return round(a / b, 2) if a and b else None

    out = {}
    for level in ours["levels"]:
        out[f"throughput_{level}"] = ratio(ours["levels"][level]["messages_per_s"], baseline["levels"][level]["messages_per_s"])
        out[f"p95_{level}"] = ratio(ours["levels"][level]["p95_ms"], baseline["levels"][level]["p95_ms"])
    out["rasa_rss"] = ratio(ours["peak_rss_mb"]["rasa"], baseline["peak_rss_mb"]["rasa"])
    out["ready"] = ratio(ours["ready_s"], baseline["ready_s"])
    out["training"] = ratio(ours.get("training_s"), baseline.get("training_s"))
    return out


def format_table(results: dict) -> str:
    names = list(results)
    lines = [f"{'':28s}" + "".join(f"{name:>22s}" for name in names)]
    levels = results[names[0]]["levels"]
    for level in levels:
        for key, label in (("p50_ms", "p50 ms"), ("p95_ms", "p95 ms"), ("p99_ms", "p99 ms"), ("messages_per_s", "messages/s")):
            row = f"{level:>3} conversations  {label:10s}"
            lines.append(row + "".join(f"{results[n]['levels'][level][key]:>22}" for n in names))
    for key in ("rasa", "action_server", "gateway"):
        lines.append(f"peak RSS {key:18s} MB" + "".join(f"{results[n]['peak_rss_mb'].get(key, '-'):>22}" for n in names))
    lines.append(f"{'ready after start, s':28s}" + "".join(f"{results[n]['ready_s']:>22}" for n in names))
    lines.append(f"{'training, s':28s}" + "".join(f"{str(results[n]['training_s']):>22}" for n in names))
    through = results[names[0]].get("gateway")
    if through:
        lines += ["", *gateway.format_rows(through)]
    return "\n".join(lines)


def summary_stats(values: list[float]) -> float:
    return round(statistics.median(values), 3) if values else 0.0
