"""The ``veiviser`` command: one sub-command per job, each in its own module."""
from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    from bot.cli import bench, chat, evaluate, names, resources, rules, run, serve, telegram, train, web

    parser = argparse.ArgumentParser(prog="veiviser", description="Veiviser: assistant against human trafficking.")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (chat, train, evaluate, resources, bench, rules, names, telegram, web, run, serve):
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
