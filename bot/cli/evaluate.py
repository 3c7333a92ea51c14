"""``veiviser eval``: per-language intent metrics on the held-out sets."""
from __future__ import annotations

import argparse
import logging
from dataclasses import asdict
from pathlib import Path

from bot import paths


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("eval", help="evaluate intent recognition on tests/eval/")
    parser.add_argument("--model", default=str(paths.MODEL))
    parser.add_argument("--out", default=str(paths.REPORTS / "eval.json"))
    parser.add_argument("--baseline", action="store_true", help="also evaluate models/baseline.tar.gz (stock Rasa)")
    parser.add_argument("--per-language", action="store_true",
                        help="also compare one shared classifier with one per language (held-out macro-F1)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.evaluation import (
        combined,
        evaluate,
        evaluate_acute,
        format_acute,
        format_table,
        recall_by_kind,
        write_json,
    )
    from bot.language import load_config

    _silence()
    languages = load_config().understood  # tiers 1 and 2 have held-out intent sets; safety tier acute sets only
    reports = evaluate(Path(args.model), languages, paths.EVAL_SETS)
    print("ours (config.yml)")
    print(format_table(reports))
    extra: dict = {}
    acute_sets = {}
    for folder in ("acute", "acute_fresh"):
        acute = evaluate_acute(Path(args.model), load_config().shipped, paths.EVAL_SETS, folder)
        if not acute:
            continue
        acute_sets[folder] = acute
        print(f"\nacute danger (tests/eval/{folder}): recall, false alarms on near misses, recall per kind")
        print(format_acute(acute))
        extra[folder] = {lang: asdict(report) for lang, report in acute.items()}
        extra[f"{folder}_recall_by_kind"] = recall_by_kind(acute)
    larger = {lang: combined(reports[lang], *(sets[lang] for sets in acute_sets.values() if lang in sets))
              for lang in languages}
    extra["emergency_all_sets"] = larger
    print("\nemergencies over all held-out sets (intents + acute + acute_fresh): recall, false alarms")
    for lang, figures in larger.items():
        print(f"  {lang}: recall {figures['recall']:.3f} of {figures['emergencies']}, "
              f"false alarms {figures['false_alarm']:.4f} of {figures['others']}")
    if args.per_language:
        from bot.evaluation import shared_or_per_language

        classifier = next(c for c in _pipeline() if c["name"].endswith("LinearIntentClassifier"))
        choice = shared_or_per_language({k: v for k, v in classifier.items() if k != "name"}, languages, paths.NLU_DATA)
        extra["shared_or_per_language"] = choice
        print("\nclassifier alone, held-out macro-F1: one shared model / one model per language")
        for lang, figures in choice.items():
            print(f"  {lang}: shared {figures['shared']:.3f}, per language {figures['per_language']:.3f}")
    if args.baseline:
        baseline = evaluate(paths.MODELS / "baseline.tar.gz", languages, paths.EVAL_SETS)
        print("\nbaseline (stock Rasa 3.6: bot/benchmarks/baseline-config.yml)")
        print(format_table(baseline))
        extra["baseline"] = {lang: asdict(report) for lang, report in baseline.items()}
        extra["macro_f1_ours_minus_baseline"] = {
            lang: round(reports[lang].macro_f1 - baseline[lang].macro_f1, 4) for lang in languages
        }
        print("\nmacro-F1, ours minus baseline: " + ", ".join(f"{k} {v:+.3f}" for k, v in extra["macro_f1_ours_minus_baseline"].items()))
    extra["routing"] = _routing(Path(args.model))
    write_json(reports, Path(args.out), extra)
    print(f"\nwritten to {args.out}")
    return 0


def _routing(model: Path) -> dict:
    """The routing evaluation (bot/routing.py) through the real assistant."""
    from bot.directory import DirectoryStore
    from bot.routing import evaluate_routing, format_routing
    from bot.stack import Stack

    sets = {path.stem: path for path in sorted((paths.EVAL_SETS / "routing").glob("*.yml"))}
    if not sets:
        return {}
    directory = DirectoryStore(paths.resources()).snapshot.directory
    with Stack(model=model) as stack:
        reports = evaluate_routing(stack.webhook, sets, directory)
    print("\nrouting (tests/eval/routing): reaches the right contact, within the first 500 characters, "
          "reply length per turn (median, p90)")
    print(format_routing(reports))
    return {lang: asdict(report) for lang, report in reports.items()}


def _pipeline() -> list[dict]:
    import yaml

    return yaml.safe_load((paths.ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]


def _silence() -> None:
    """Rasa logs parse results (message texts included) at debug level: keep them out."""
    import structlog

    logging.basicConfig(level=logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
