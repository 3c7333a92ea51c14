"""``veiviser rasa`` and ``veiviser actions``: one server each, for an operator to place (systemd, compose).

``veiviser rasa --port P --actions URL`` is one Rasa replica as ``make run``
serves it (``bot.serve``: the speed-ups, the action guard, the log filter),
using the action server at URL; with REDIS_URL its conversations and locks
are in Redis, so several replicas share the load (docs/production.md). ``veiviser actions --port P`` is one action server. Each
replaces the ``veiviser`` process (exec), so a supervisor's signals reach
the server itself. Health: ``/webhooks/ops/live`` and ``/webhooks/ops/ready``
on Rasa, ``/live`` and ``/ready`` on the action server.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bot import paths


def register(commands: argparse._SubParsersAction) -> None:
    rasa = commands.add_parser("rasa", help="run one Rasa replica (REDIS_URL: shared conversations)")
    rasa.add_argument("--port", type=int, default=5005)
    rasa.add_argument("--interface", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    rasa.add_argument("--actions", default="http://127.0.0.1:5055/webhook", help="the action server's webhook URL")
    rasa.add_argument("--model", default=str(paths.MODEL))
    rasa.set_defaults(run=run_rasa)
    actions = commands.add_parser("actions", help="run one action server")
    actions.add_argument("--port", type=int, default=5055)
    actions.add_argument("--interface", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    actions.set_defaults(run=run_actions)


def run_rasa(args: argparse.Namespace) -> int:
    from bot.stack import endpoints_for, quiet_environment, rasa_arguments

    model = Path(args.model)
    if not model.exists():
        print(f"veiviser rasa: {model} is missing: run `make train`.", file=sys.stderr)
        return 2
    endpoints = endpoints_for(args.actions, Path(tempfile.mkdtemp(prefix="veiviser-rasa-")))
    os.chdir(paths.ROOT)
    os.execve(sys.executable, [sys.executable, "-m", *rasa_arguments(model, endpoints, args.interface, args.port)],
              quiet_environment())


def run_actions(args: argparse.Namespace) -> int:
    from bot.stack import quiet_environment

    os.chdir(paths.ROOT)
    os.execve(sys.executable, [sys.executable, "-m", "bot.action_server", "--port", str(args.port),
                               "--host", args.interface], quiet_environment())
