"""Actions that fail the worst way: the error's message holds what the user wrote (tests/test_faults.py)."""
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class FailingAnswer(Action):
    def name(self) -> str:
        return "action_answer_need"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        raise RuntimeError(f"could not answer {tracker.latest_message.get('text')!r} with {tracker.slots!r}")
