"""``veiviser telegram``: run the Telegram gateway alone, against the Rasa at RASA_URL.

The settings come from the environment (docs/telegram.md). When
something is missing the command says what and exits with status 2. It runs
until Ctrl-C or SIGTERM and then stops polling (or the webhook server) cleanly.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from bot.cli.serving import read_settings, serve_until_stopped

EXIT_CONFIG = 2


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("telegram", help="run the Telegram gateway against the Rasa at RASA_URL")
    parser.add_argument("--check", action="store_true",
                        help="only check the configuration (exit status 2 when something is missing)")
    parser.set_defaults(run=run)


def read_config(command: str):
    """The gateway's configuration, or None after saying on stderr what is missing."""
    from bot.telegram.config import load_config

    return read_settings(load_config, command, "the Telegram gateway", "docs/telegram.md")


def run_gateway(config, supervise: Callable[[], object] | None = None) -> int:
    """Run the gateway until SIGINT or SIGTERM; the exit status. ``supervise()`` is called every second."""
    from telegram.error import InvalidToken, NetworkError

    from bot.telegram.app import serve

    try:
        return serve_until_stopped(lambda stop: serve(config, stop), supervise)
    except InvalidToken:
        print("Telegram refused TELEGRAM_BOT_TOKEN: check the token @BotFather gave you.", file=sys.stderr)
        return EXIT_CONFIG
    except NetworkError as error:
        print(f"Cannot reach the Telegram Bot API (TELEGRAM_BASE_URL): {type(error).__name__}.", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Cannot start the webhook server on {config.webhook_listen}:{config.webhook_port}: "
              f"{error.strerror or type(error).__name__}.", file=sys.stderr)
        return 1


def run(args: argparse.Namespace) -> int:
    from bot.relay import logs

    logs.configure()
    config = read_config("telegram")
    if config is None:
        return EXIT_CONFIG
    if args.check:
        print("The Telegram gateway's configuration is complete.", file=sys.stderr)
        return 0
    return run_gateway(config)
