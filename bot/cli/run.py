"""``veiviser run`` (``make run``): the action server, Rasa and a gateway together.

The gateway is Telegram's when TELEGRAM_BOT_TOKEN is set, else the web chat
(``bot.web``, docs/web.md). Checks the gateway's configuration first (when
something is wrong it says what and exits with status 2), starts the action
server and Rasa on free ports of 127.0.0.1 (bot.stack, as ``veiviser chat``
does), then runs the gateway in this process against that Rasa (RASA_URL is
not used). Ctrl-C
or SIGTERM stops all three. If the action server or Rasa dies, it is started
again (with a growing pause after quick failures); meanwhile the gateway
answers with the emergency numbers (Rasa down) or Rasa does (actions down).
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
from pathlib import Path

from bot import paths
from bot.cli.telegram import EXIT_CONFIG, read_config, run_gateway
from bot.cli.web import read_web_config, run_web


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("run", help="start the action server, Rasa and the Telegram gateway "
                                             "(with TELEGRAM_BOT_TOKEN) or else the web chat")
    parser.add_argument("--model", default=str(paths.MODEL))
    parser.add_argument("--check", action="store_true",
                        help="only check the configuration (exit status 2 when something is missing)")
    parser.set_defaults(run=run)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from bot.relay import logs
    from bot.stack import Stack

    logs.configure()
    telegram = bool(os.environ.get("TELEGRAM_BOT_TOKEN", "").strip())
    config = read_config("run") if telegram else read_web_config("run")
    if config is None:
        return EXIT_CONFIG
    if args.check:
        if not telegram:
            print("TELEGRAM_BOT_TOKEN is not set: `make run` serves the web chat "
                  f"at http://{config.host}:{config.port}/ (docs/web.md).", file=sys.stderr)
        return 0
    model = Path(args.model)
    if not model.exists():
        print(f"veiviser run: {model} is missing: run `make train` (`make run` does it for you).", file=sys.stderr)
        return EXIT_CONFIG
    stack = Stack(model=model)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # stop the children on SIGTERM while starting too
    try:
        print("Starting the action server and Rasa on 127.0.0.1...", file=sys.stderr)
        stack.start()
        config = dataclasses.replace(config, rasa_url=stack.rasa_url)
        if telegram:
            print(f"Rasa is ready (logs in {stack.log_dir}); starting the Telegram gateway. "
                  "Ctrl-C or SIGTERM stops all three.", file=sys.stderr)
            return run_gateway(config, supervise=stack.restart_dead)
        print(f"Rasa is ready (logs in {stack.log_dir}). The web chat is at http://{config.host}:{config.port}/ "
              "(no TELEGRAM_BOT_TOKEN). Ctrl-C or SIGTERM stops all three.", file=sys.stderr)
        return run_web(config, supervise=stack.restart_dead)
    except KeyboardInterrupt:
        return 130
    except (RuntimeError, TimeoutError) as error:
        print(f"veiviser run: {error}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # let the stopping finish
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("Stopping the gateway, Rasa and the action server...", file=sys.stderr)
        stack.stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, previous)
