"""``veiviser names``: rebuild bot/nlu/names.json (language and country names) from Babel."""
from __future__ import annotations

import argparse
import json


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("names", help="rebuild bot/nlu/names.json from Babel's locale data")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.nlu.names import NAMES_FILE, build_index

    NAMES_FILE.write_text(json.dumps(build_index(), ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"written {NAMES_FILE}")
    return 0
