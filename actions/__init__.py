"""Custom actions of Veiviser (rasa-sdk), one module per concern.

The action server imports this package (``python -m rasa_sdk --actions actions``);
every action class is registered by being imported here.

- ``help``: answers from the help directory (needs, rights) and the place they depend on
- ``guided``: the results of the self-check and of the routing form for professionals
- ``location``: recognising and asking for the user's place
- ``answers``: composing the answer texts
- ``context``: what the actions read from the tracker; ``needs.yml`` maps intents to needs
"""
from actions.guided import ASK_ACTIONS, ActionSelfCheckResult, ActionStaffRoutingResult
from actions.help import ActionAnswerNeed, ActionSetLocation, ActionSkipLocation

__all__ = [
    "ASK_ACTIONS",
    "ActionAnswerNeed", "ActionSelfCheckResult", "ActionSetLocation", "ActionSkipLocation", "ActionStaffRoutingResult",
]
