"""``veiviser chat``: talk to the assistant in the terminal.

Starts the action server and Rasa in the background on 127.0.0.1 (no token,
no external service), then reads lines from the terminal. Type the number of a
button to press it, ``/lang CODE`` to send a client language code the way
Telegram does, and ``/stop`` (or Ctrl-D, Ctrl-C) to leave; every process
started here is stopped on the way out.
"""
from __future__ import annotations

import argparse
import sys
import textwrap
import uuid

import httpx

from bot import paths
from bot.stack import Stack, send


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("chat", help="talk to the assistant in the terminal")
    parser.add_argument("--model", default=str(paths.MODEL))
    parser.add_argument("--language-code", default=None, help="client language code to send, e.g. nb or en-GB")
    parser.set_defaults(run=run)


def render(messages: list[dict]) -> list[str]:
    """Print the bot's messages; return the button payloads in the order shown."""
    payloads: list[str] = []
    for message in messages:
        if message.get("text"):
            for paragraph in str(message["text"]).split("\n"):
                print(textwrap.fill(paragraph, width=88, initial_indent="  ", subsequent_indent="  "))
        for button in message.get("buttons") or []:
            payloads.append(button.get("payload", ""))
            print(f"    [{len(payloads)}] {button.get('title', '')}")
    print()
    return payloads


def converse(webhook: str, language_code: str | None, lines=None) -> None:
    sender = uuid.uuid4().hex
    payloads: list[str] = []
    lines = lines if lines is not None else _prompt_lines()
    with httpx.Client() as client:
        for line in lines:
            text = line.strip()
            if not text:
                continue
            if text == "/stop":
                return
            if text.startswith("/lang "):
                language_code = text.split(maxsplit=1)[1]
                continue
            pressed = text.isdigit() and 0 < int(text) <= len(payloads)
            if pressed:
                text = payloads[int(text) - 1]
            payloads = render(send(client, webhook, sender, text, language_code, payload=pressed))


def _prompt_lines():
    while True:
        try:
            yield input("> ")
        except EOFError:
            print()
            return


def run(args: argparse.Namespace) -> int:
    print("Starting the assistant (action server and Rasa on 127.0.0.1)...", file=sys.stderr)
    stack = Stack(model=paths.Path(args.model))
    try:
        stack.start()
        print("Ready. /stop, Ctrl-D or Ctrl-C to leave; /lang CODE sets the client language.\n", file=sys.stderr)
        converse(stack.webhook, args.language_code)
    except KeyboardInterrupt:
        print()
    except (FileNotFoundError, RuntimeError, TimeoutError, httpx.HTTPError) as error:
        print(f"veiviser chat: {error}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
    return 0
