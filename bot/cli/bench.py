"""``veiviser bench``: benchmarks that print numbers and write reports/bench-*.json."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot import paths


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("bench", help="run the benchmarks and print the numbers")
    parser.add_argument("--out", default=str(paths.REPORTS / "bench-directory.json"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.benchmarks import directory

    result = directory.run(paths.ROOT / "resources")
    print(directory.format_table(result))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"directory": result}, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {out}")
    return 0
