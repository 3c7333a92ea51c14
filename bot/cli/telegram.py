"""``veiviser telegram``: run the Telegram gateway alone, against the Rasa at RASA_URL.

The settings come from the environment (docs/telegram.md). When
something is missing the command says what and exits with status 2. It runs
until Ctrl-C or SIGTERM and then stops polling (or the webhook server) cleanly.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable

logger = logging.getLogger("bot.cli.telegram")
EXIT_CONFIG = 2


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("telegram", help="run the Telegram gateway against the Rasa at RASA_URL")
    parser.add_argument("--check", action="store_true",
                        help="only check the configuration (exit status 2 when something is missing)")
    parser.set_defaults(run=run)


def read_config(command: str):
    """The gateway's configuration, or None after saying on stderr what is missing."""
    from bot.telegram.config import ConfigError, load_config

    try:
        return load_config()
    except ConfigError as error:
        print(f"veiviser {command}: the Telegram gateway cannot start:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        print("  (docs/telegram.md explains every setting.)", file=sys.stderr)
        return None


def run_gateway(config, supervise: Callable[[], object] | None = None) -> int:
    """Run the gateway until SIGINT or SIGTERM; the exit status. ``supervise()`` is called every second."""
    from telegram.error import InvalidToken, NetworkError

    from bot.telegram.app import serve

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)

        async def watch() -> None:
            while not stop.is_set():
                await asyncio.sleep(1)
                try:
                    supervise()
                except Exception as error:  # noqa: BLE001 - keep serving; try again in a second
                    logger.error("Restarting a server failed: %s", type(error).__name__)

        watcher = asyncio.create_task(watch()) if supervise else None
        try:
            await serve(config, stop)
        finally:
            if watcher is not None:
                watcher.cancel()
        return 0

    try:
        return asyncio.run(main())
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
    from bot.telegram import logs

    logs.configure()
    config = read_config("telegram")
    if config is None:
        return EXIT_CONFIG
    if args.check:
        print("The Telegram gateway's configuration is complete.", file=sys.stderr)
        return 0
    return run_gateway(config)
