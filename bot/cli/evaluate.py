"""``veiviser eval``: per-language intent metrics on the held-out sets."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from bot import paths


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("eval", help="evaluate intent recognition on tests/eval/")
    parser.add_argument("--model", default=str(paths.MODEL))
    parser.add_argument("--out", default=str(paths.REPORTS / "eval.json"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.evaluation import evaluate, format_table, write_json
    from bot.language import load_config

    _silence()
    reports = evaluate(Path(args.model), load_config().shipped, paths.EVAL_SETS)
    print(format_table(reports))
    write_json(reports, Path(args.out))
    print(f"\nwritten to {args.out}")
    return 0


def _silence() -> None:
    """Rasa logs parse results (message texts included) at debug level: keep them out."""
    import structlog

    logging.basicConfig(level=logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
