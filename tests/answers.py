"""What the assistant should answer: the rendered text of a response, as the tests compare it."""
import yaml

from bot import paths
from bot.i18n import lookup
from bot.i18n.bidi import isolate_numbers

HELP_NOW = "help, they are beating me"


def english(name, index=-1):
    """The English text of a response's variation (the last one is the default)."""
    for path in paths.DOMAIN.glob("*.yml"):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        if name in responses:
            return responses[name][index]["text"]
    raise KeyError(name)


def joined(messages):
    """Rasa's REST channel sends each paragraph of a text as its own message."""
    return "\n\n".join(m.get("text") or "" for m in messages)


def expected(name, language, index=-1):
    """As the REST channel sends it: numbers in right-to-left text held left to right (bot/i18n/bidi.py)."""
    return isolate_numbers(lookup(language, name, english(name, index)).text)


def emergency_first(answer, language="en"):
    """Whether Rasa's answer opens with the emergency numbers (any country's variant)."""
    return bool(answer) and answer[0]["text"].startswith(expected("utter_emergency", language)[:40])
