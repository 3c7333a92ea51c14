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
    languages = load_config().shipped
    reports = evaluate(Path(args.model), languages, paths.EVAL_SETS)
    print("ours (config.yml)")
    print(format_table(reports))
    extra: dict = {}
    acute_sets = {}
    for folder in ("acute", "acute_fresh"):
        acute = evaluate_acute(Path(args.model), languages, paths.EVAL_SETS, folder)
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
    if args.baseline:
        baseline = evaluate(paths.MODELS / "baseline.tar.gz", languages, paths.EVAL_SETS)
        print("\nbaseline (stock Rasa 3.6: bot/benchmarks/baseline-config.yml)")
        print(format_table(baseline))
        extra["baseline"] = {lang: asdict(report) for lang, report in baseline.items()}
        extra["macro_f1_ours_minus_baseline"] = {
            lang: round(reports[lang].macro_f1 - baseline[lang].macro_f1, 4) for lang in languages
        }
        print("\nmacro-F1, ours minus baseline: " + ", ".join(f"{k} {v:+.3f}" for k, v in extra["macro_f1_ours_minus_baseline"].items()))
    write_json(reports, Path(args.out), extra)
    print(f"\nwritten to {args.out}")
    return 0


def _silence() -> None:
    """Rasa logs parse results (message texts included) at debug level: keep them out."""
    import structlog

    logging.basicConfig(level=logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
