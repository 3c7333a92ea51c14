"""What the detail buttons under an answer show: other places, the rights text, the first contact in full.

The first screen of an answer is short on purpose (actions/help.py); the rest
is one tap away. The buttons carry only which detail (``bot.contract.DETAILS``);
the question, the place and the role come from the conversation, and the
directory is looked up again, so a detail is as current as the data.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.answers import call_answer, detail_texts, find, more_answer
from bot.directory import default_store
from bot.i18n import phrase


class ActionShowMore(Action):
    """show_more{"detail": places | rights | call}: the detail of the last directory answer."""

    def name(self) -> str:
        return "action_show_more"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        language = context.language(tracker)
        spec = context.needs().get(tracker.get_slot("answered") or "")
        country = context.country(tracker)
        detail = context.entity(tracker, "detail")
        if spec is None or country is None or detail is None:
            dispatcher.utter_message(text=phrase(language, "detail_gone"))
            return []
        snapshot = default_store().snapshot
        if detail == "rights":
            texts = detail_texts(snapshot, language, country, spec, context.slot(tracker, "municipality"))
        else:
            found = find(snapshot, country, spec.need, context.slot(tracker, "municipality"),
                         context.role(tracker, spec.role), spec.minor or context.minor(tracker))
            text = more_answer(snapshot, language, found) if detail == "places" else call_answer(snapshot, language, found)
            texts = [text] if text else []
        for text in texts or [phrase(language, "detail_gone")]:
            dispatcher.utter_message(text=text)
        return []
