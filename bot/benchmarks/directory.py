"""Directory micro-benchmarks: load and validate, lookup, place recognition.

Targets (issue "The help directory"): lookup p99 ≤ 1 ms, place recognition
p99 ≤ 5 ms, full validation ≤ 2 s.
"""
from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

from bot.directory import TOPICS, Finder, PlaceIndex, load_directory

SENTENCES = ("I'm in {name}", "jeg bor i {name} og trenger hjelp", "vi er i {name} nu", "jag är i {name}", "{name}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(root: Path, rounds: int = 5) -> dict:
    load_times = []
    for _ in range(rounds):
        start = time.perf_counter()
        directory, problems = load_directory(root)
        load_times.append(time.perf_counter() - start)
    finder, places = Finder(directory), PlaceIndex(directory)
    now = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)
    lookups = []
    for country in directory.countries.values():
        for code in country.municipalities:
            for need in TOPICS:
                start = time.perf_counter_ns()
                finder.find(country.code, need, code, now=now)
                lookups.append((time.perf_counter_ns() - start) / 1e6)
    recognitions, correct = [], 0
    for country in directory.countries.values():
        for place in country.municipalities.values():
            for template in SENTENCES:
                text = template.format(name=place.name)
                start = time.perf_counter_ns()
                found = places.recognise(text)
                recognitions.append((time.perf_counter_ns() - start) / 1e6)
                correct += place in found.places
    return {
        "services": len(directory.services),
        "municipalities": sum(len(c.municipalities) for c in directory.countries.values()),
        "errors": sum(p.level == "error" for p in problems),
        "load_validate_s": {"median": round(statistics.median(load_times), 3), "max": round(max(load_times), 3)},
        "lookup_ms": {"n": len(lookups), "p50": round(percentile(lookups, 0.5), 4), "p99": round(percentile(lookups, 0.99), 4)},
        "place_recognition_ms": {
            "n": len(recognitions),
            "p50": round(percentile(recognitions, 0.5), 4),
            "p99": round(percentile(recognitions, 0.99), 4),
            "found": round(correct / len(recognitions), 4),
        },
    }


def format_table(result: dict) -> str:
    lookup, recognition, load = result["lookup_ms"], result["place_recognition_ms"], result["load_validate_s"]
    return "\n".join([
        f"help directory: {result['services']} services, {result['municipalities']} municipalities",
        f"  load + validate all files   median {load['median']:.3f} s   max {load['max']:.3f} s   (target ≤ 2 s)",
        f"  lookup ({lookup['n']} place×need)  p50 {lookup['p50']:.3f} ms   p99 {lookup['p99']:.3f} ms   (target p99 ≤ 1 ms)",
        f"  place recognition ({recognition['n']})  p50 {recognition['p50']:.3f} ms   p99 {recognition['p99']:.3f} ms"
        f"   (target p99 ≤ 5 ms; right place among the results in {recognition['found']:.1%})",
    ])
