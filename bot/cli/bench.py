"""``veiviser bench``: benchmarks that print numbers and write reports/bench.json.

The full run starts our stack and the stock-Rasa baseline side by side
(``make bench`` trains the baseline once into models/baseline.tar.gz);
``--smoke`` is a short run of ours alone (the gateway included), for the test suite;
``--production`` and ``--gateway`` run one row each without the baseline.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot import paths

TARGETS = {  # issue "Fast and lean"
    "throughput_20_ratio": 4.0, "p95_20_ms": 100.0, "p50_1_ms": 15.0,
    "rasa_rss_mb": 600.0, "action_server_rss_mb": 250.0, "ready_s": 15.0, "training_s": 300.0,
    # issue "Production": two replicas on Redis against stock Rasa's Redis stores, 20 conversations
    "production_throughput_ratio": 4.0, "production_p95_ms": 150.0,
    # the same issue: 20 chats through the Telegram gateway (one gateway, one Rasa as `make run` serves it)
    "gateway_p95_20_ms": 150.0,
}
GATEWAY_LEVELS = {1: 8, 20: 100}  # chats at once -> conversations (five messages each, each in a new chat)


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("bench", help="run the benchmarks and print the numbers")
    parser.add_argument("--smoke", action="store_true", help="a short run of our stack alone")
    parser.add_argument("--production", action="store_true",
                        help="only the production profile: two replicas on Redis, ours and stock Rasa's stores")
    parser.add_argument("--gateway", action="store_true",
                        help="only the Telegram gateway row: 1 and 20 chats through the gateway in front of our stack")
    parser.add_argument("--out", default=None)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.benchmarks import directory, language, production, stack

    report: dict = {}
    if args.production:
        return _production_only(args)
    if args.gateway:
        return _gateway_only(args)
    report["directory"] = directory.run(paths.resources(), rounds=1 if args.smoke else 5)
    print(directory.format_table(report["directory"]))
    report["language_detection"] = language.run()
    print(language.format_table(report["language_detection"]))
    models = {"ours": paths.MODEL}
    if not args.smoke:
        models["baseline"] = paths.MODELS / "baseline.tar.gz"
        if not models["baseline"].exists():
            print("models/baseline.tar.gz is missing: `make bench` trains it once (hours with 18 languages; "
                  "docs/performance.md). `veiviser bench --production` needs no baseline.")
            return 2
    levels, per_level = ((1, 5), {1: 4, 5: 10}) if args.smoke else (stack.LEVELS, None)
    report["stack"] = stack.run(models, levels=levels, per_level=per_level, rounds=1 if args.smoke else 4,
                                gateway_levels={1: 2} if args.smoke else GATEWAY_LEVELS)
    print()
    print(stack.format_table(report["stack"]))
    if not args.smoke:
        report["production"] = production.run({"ours": paths.MODEL, "baseline": paths.MODEL})
        print()
        print(production.format_table(report["production"]))
    if "baseline" in report["stack"]:
        report["ratios"] = stack.ratios(report["stack"]["ours"], report["stack"]["baseline"])
        print("\nours / baseline: " + ", ".join(f"{k} {v}" for k, v in report["ratios"].items()))
        report["targets"] = check_targets(report)
        for name, (value, target, met) in report["targets"].items():
            print(f"  {'met ' if met else 'MISS'} {name}: {value} (target {target})")
    _write(report, args.out, "bench-smoke.json" if args.smoke else "bench.json")
    return 0


def _production_only(args: argparse.Namespace) -> int:
    from bot.benchmarks import production

    rows = production.run({"ours": paths.MODEL, "baseline": paths.MODEL})
    print(production.format_table(rows))
    _write({"production": rows}, args.out, "bench-production.json")
    return 0


def _gateway_only(args: argparse.Namespace) -> int:
    import asyncio

    from bot.benchmarks import gateway
    from bot.stack import Stack

    with Stack(model=paths.MODEL) as ours:
        result = asyncio.run(gateway.measure(ours.rasa_url, ours.log_dir, GATEWAY_LEVELS))
    print("\n".join(gateway.format_rows(result)))
    p95, target = result["levels"]["20"]["p95_ms"], TARGETS["gateway_p95_20_ms"]
    print(f"  {'met ' if p95 <= target else 'MISS'} gateway_p95_20_ms: {p95} (target {target})")
    _write({"gateway": result}, args.out, "bench-gateway.json")
    return 0


def _write(report: dict, out: str | None, default_name: str) -> None:
    path = Path(out or paths.REPORTS / default_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {path}")


def check_targets(report: dict) -> dict:
    ours = report["stack"]["ours"]
    values = {
        "throughput_20_ratio": (report["ratios"].get("throughput_20"), ">="),
        "p95_20_ms": (ours["levels"]["20"]["p95_ms"], "<="),
        "p50_1_ms": (ours["levels"]["1"]["p50_ms"], "<="),
        "rasa_rss_mb": (ours["peak_rss_mb"]["rasa"], "<="),
        "action_server_rss_mb": (ours["peak_rss_mb"]["action_server"], "<="),
        "ready_s": (ours["ready_s"], "<="),
        "training_s": (ours.get("training_s"), "<="),
    }
    if "production" in report:
        rows = report["production"]
        values["production_throughput_ratio"] = (
            round(rows["ours"]["messages_per_s"] / rows["baseline"]["messages_per_s"], 2)
            if rows["baseline"]["messages_per_s"] else None, ">=")
        values["production_p95_ms"] = (rows["ours"]["p95_ms"], "<=")
    if "gateway" in ours and "20" in ours["gateway"]["levels"]:
        values["gateway_p95_20_ms"] = (ours["gateway"]["levels"]["20"]["p95_ms"], "<=")
    checked = {}
    for name, (value, sense) in values.items():
        target = TARGETS[name]
        met = value is not None and (value >= target if sense == ">=" else value <= target)
        checked[name] = (value, target, met)
    return checked
