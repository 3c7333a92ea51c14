"""``veiviser web`` (``make web``): the web chat alone, against the Rasa at RASA_URL.

Serves one page on VEIVISER_WEB_HOST:VEIVISER_WEB_PORT (127.0.0.1:8480 by
default; docs/web.md). When a setting is wrong it says which and exits with
status 2. It runs until Ctrl-C or SIGTERM.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from bot.cli.serving import read_settings, serve_until_stopped

EXIT_CONFIG = 2


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("web", help="run the web chat against the Rasa at RASA_URL")
    parser.add_argument("--check", action="store_true",
                        help="only check the configuration (exit status 2 when something is wrong)")
    parser.set_defaults(run=run)


def read_web_config(command: str):
    """The web chat's configuration, or None after saying on stderr what is wrong."""
    from bot.web.config import load_web_config

    return read_settings(load_web_config, command, "the web chat", "docs/web.md")


def run_web(config, supervise: Callable[[], object] | None = None) -> int:
    """Serve the web chat until SIGINT or SIGTERM; ``supervise()`` is called every second."""
    from bot.web.server import serve

    try:
        return serve_until_stopped(lambda stop: serve(config, stop), supervise)
    except OSError as error:
        print(f"Cannot start the web chat on {config.host}:{config.port}: {error.strerror or type(error).__name__}.",
              file=sys.stderr)
        return 1


def run(args: argparse.Namespace) -> int:
    from bot.relay import logs

    logs.configure()
    config = read_web_config("web")
    if config is None:
        return EXIT_CONFIG
    if args.check:
        print("The web chat's configuration is complete.", file=sys.stderr)
        return 0
    print(f"The web chat is at http://{config.host}:{config.port}/ (Rasa at {config.rasa_url}). "
          "Ctrl-C stops it.", file=sys.stderr)
    return run_web(config)
