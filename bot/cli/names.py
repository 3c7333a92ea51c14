"""``veiviser names``: rebuild bot/text/names.json (language and country names) from Babel."""
from __future__ import annotations

import argparse
import json


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("names", help="rebuild bot/text/names.json from Babel's locale data")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import babel

    from bot.text.names import NAMES_FILE, build_index

    index = {**build_index(), "babel": babel.__version__}
    NAMES_FILE.write_text(json.dumps(index, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"written {NAMES_FILE}")
    return 0
