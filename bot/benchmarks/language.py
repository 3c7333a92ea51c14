"""Language detection micro-benchmark: lingua on the held-out messages."""
from __future__ import annotations

import time

import yaml

from bot import paths
from bot.benchmarks.directory import percentile
from bot.language import detect, load_config
from bot.language.detect import warm_up


def run() -> dict:
    started = time.perf_counter()
    warm_up()
    load_s = time.perf_counter() - started
    texts = []
    for language in load_config().understood:  # the safety tier has no held-out intent set
        sets = yaml.safe_load((paths.EVAL_SETS / f"{language}.yml").read_text(encoding="utf-8"))
        texts += [(text, language) for messages in sets.values() for text in messages]
    times, right, wrong = [], 0, 0
    for text, language in texts:
        start = time.perf_counter_ns()
        found = detect(text)
        times.append((time.perf_counter_ns() - start) / 1e6)
        right += found == language
        wrong += found is not None and found != language
    return {"messages": len(texts), "load_s": round(load_s, 2), "p50_ms": round(percentile(times, 0.5), 4),
            "p99_ms": round(percentile(times, 0.99), 4), "right": right, "wrong": wrong,
            "abstained": len(texts) - right - wrong}


def format_table(result: dict) -> str:
    return (f"language detection ({result['messages']} held-out messages): load {result['load_s']} s, "
            f"p50 {result['p50_ms']:.3f} ms, p99 {result['p99_ms']:.3f} ms; "
            f"right {result['right']}, wrong {result['wrong']}, no guess {result['abstained']} (short or unsure)")
