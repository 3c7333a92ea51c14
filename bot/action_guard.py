"""Custom actions that fail or hang cost the user a notice, never their answer or the server.

Rasa 3.6 waits up to 300 s for the action server (``DEFAULT_REQUEST_TIMEOUT``),
holding the conversation's lock meanwhile; when the call fails it logs the
action server's error body — rasa-sdk's holds the whole request, every text
of the conversation included — and the user gets nothing more that turn.

``bot.serve`` wraps ``RemoteAction.run`` (Rasa has no extension point for
how a custom action is called): the call gets ``timeout(action)`` seconds;
when it fails or times out, the log names the action and the kind of error
(never the error's text), and the user gets ``utter_action_failed`` and
``utter_emergency`` (the emergency numbers and the national line for their
country) in their language, from Rasa itself. A rejection (HTTP 400, how
forms say "that answer does not fit") keeps Rasa's meaning.
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from bot import metrics

logger = logging.getLogger(__name__)
# Seconds a custom action's call may take: $VEIVISER_ACTION_TIMEOUT (4), read at each call (docs/settings.md).
ACTION_TIMEOUT = ("VEIVISER_ACTION_TIMEOUT", 4.0)
NOTICE = ("utter_action_failed", "utter_emergency")
# The action after the emergency numbers: a turn's messages reach the user together, so a slow
# action would hold the numbers back; it gets a short time, and on failure the usual follow-up.
NOTICES = {"action_after_emergency": ("utter_emergency_followup",)}
TIMEOUTS = {"action_after_emergency": ("VEIVISER_AFTER_EMERGENCY_TIMEOUT", 0.75)}


def timeout(action: str) -> float:
    """The seconds ``action``'s call may take, from its variable if that is set, else the default."""
    name, default = TIMEOUTS.get(action, ACTION_TIMEOUT)
    return float(os.environ.get(name) or default)


async def notice(nlg: Any, tracker: Any, output_channel: Any, action: str = "") -> list[Any]:
    """The BotUttered events of the notice, rendered by the NLG in the user's language."""
    from rasa.core.actions.action import create_bot_utterance

    events = []
    for name in NOTICES.get(action, NOTICE):
        rendered = await nlg.generate(name, tracker, output_channel.name())
        if rendered:
            events.append(create_bot_utterance(rendered))
    return events


def guarded(run: Any) -> Any:
    from rasa.core.actions.action import ActionExecutionRejection

    async def run_guarded(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list[Any]:
        try:
            return await asyncio.wait_for(run(self, output_channel, nlg, tracker, domain),
                                          timeout(self.name()))
        except ActionExecutionRejection:
            raise
        except Exception as error:  # noqa: BLE001 - any failure: a notice instead of silence
            cause = error.__cause__ or error
            logger.error("Custom action %s failed (%s); the user got the notice and the emergency numbers.",
                         self.name(), type(cause).__name__)
            metrics.ERRORS.labels("action").inc()
            return await notice(nlg, tracker, output_channel, self.name())

    run_guarded.__wrapped__ = run
    return run_guarded


def apply() -> None:
    """Wrap RemoteAction.run; refuses to patch another Rasa than the one this was written against."""
    import rasa
    from rasa.core.actions.action import RemoteAction

    from bot.speedups import supported_rasa  # the pin in pyproject.toml, written once

    wanted = supported_rasa()
    if not wanted.contains(rasa.__version__, prereleases=True):
        raise SystemExit(f"bot.action_guard was written for rasa{wanted} (pyproject.toml), this is Rasa "
                         f"{rasa.__version__}: check RemoteAction.run before changing the pin")
    if not getattr(RemoteAction.run, "__wrapped__", None):
        RemoteAction.run = guarded(RemoteAction.run)
