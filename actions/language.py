"""Answering a request for another language.

The switch itself happens inside Rasa (``bot.language.policy``) before this
action runs, so that it also works without the action server; this action only
chooses what to say about it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.language import negotiate

LANGUAGE_ENTITY = "language"


def requested_language(tracker: Tracker) -> Optional[str]:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == LANGUAGE_ENTITY and entity.get("value"):
            return str(entity["value"])
    return None


class ActionChooseLanguage(Action):
    def name(self) -> Text:
        return "action_choose_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        requested = requested_language(tracker)
        if requested is None:
            dispatcher.utter_message(response="utter_language_menu")
        elif negotiate(requested):
            dispatcher.utter_message(response="utter_language_switched")
        else:
            dispatcher.utter_message(response="utter_language_unavailable", requested_language_code=requested)
            dispatcher.utter_message(response="utter_language_menu")
        return []
