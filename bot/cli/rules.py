"""``veiviser rules``: regenerate dialogue/rules.yml from dialogue/answers.yml."""
from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("rules", help="regenerate dialogue/rules.yml from dialogue/answers.yml")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bot.dialogue_rules import RULES, write

    write()
    print(f"written {RULES}")
    return 0
