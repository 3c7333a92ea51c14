"""Custom actions of Veiviser (rasa-sdk), one module per concern.

The action server imports this package (``python -m rasa_sdk --actions actions``);
every action class is registered by being imported here.

- ``help``: answers from the help directory (needs, rights) and the place they depend on;
  also what a message asks besides an emergency, a place or a role
- ``guided``: the questions of the self-check and of the routing form for professionals, and their results
- ``location``: recognising and asking for the user's place
- ``details``: what the buttons under an answer show (other places, rights, the first contact in full)
- ``answers``: composing the answer texts
- ``context``: what the actions read from the tracker; ``needs.yml`` maps intents to needs
"""
from actions.details import ActionShowMore
from actions.guided import ASK_ACTIONS
from actions.help import (
    ActionAfterEmergency,
    ActionAnswerNeed,
    ActionPlaceOrFallback,
    ActionRoleStaff,
    ActionSelfCheckResult,
    ActionSetLocation,
    ActionSkipLocation,
    ActionStaffRoutingResult,
)

__all__ = [
    "ASK_ACTIONS",
    "ActionAfterEmergency", "ActionAnswerNeed", "ActionPlaceOrFallback", "ActionRoleStaff", "ActionSelfCheckResult",
    "ActionSetLocation", "ActionShowMore", "ActionSkipLocation", "ActionStaffRoutingResult",
]


def _warm_up() -> None:
    """Load the directory and each language's locale data now, not during someone's first question."""
    from actions.answers import find, more_answer, need_answer
    from bot.directory import default_store
    from bot.language import load_config

    snapshot = default_store().snapshot
    found = find(snapshot, "NO", "helpline", "0301", "victims", False)
    for language in load_config().shipped:
        need_answer(snapshot, language, found)
        more_answer(snapshot, language, found)


_warm_up()
