"""What Rasa's replicas count for Prometheus, without personal data (served at /webhooks/ops/metrics).

Every label has a bounded set of values: a language Veiviser ships (else
"other"), an intent of the domain (else "other"), a country code NO, DK or
SE (else "none"). No sender, no text, no place below country level. Each
replica counts its own turns; Prometheus adds them up.
"""
from __future__ import annotations

from prometheus_client import Counter, Histogram
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language import load_config as load_languages

COUNTRIES = frozenset({"NO", "DK", "SE"})
EMERGENCY = "emergency"
FALLBACKS = frozenset({"nlu_fallback", "out_of_scope"})
NEEDS = ("find_", "rights_", "report_", "staff_")

MESSAGES = Counter("veiviser_messages", "Messages handled, by language and recognised intent", ["language", "intent"])
EMERGENCIES = Counter("veiviser_emergencies", "Messages answered as acute danger, by language", ["language"])
FALLBACK_ANSWERS = Counter("veiviser_fallbacks", "Messages not understood, by language", ["language"])
ANSWERS = Counter("veiviser_answers", "Answers to a need, by need and country", ["need", "country"])
TURN_SECONDS = Histogram("veiviser_turn_seconds", "Time from a message's arrival to its answer",
                         buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10))
ERRORS = Counter("veiviser_errors", "Turns that failed, by where", ["where"])

_languages: frozenset[str] | None = None


def _language(value: object) -> str:
    global _languages
    if _languages is None:
        _languages = frozenset(load_languages().shipped)
    return value if isinstance(value, str) and value in _languages else "other"


def count_turn(tracker: DialogueStateTracker, domain: Domain | None) -> None:
    """Count the turn a store is saving (called once per turn, whatever else failed)."""
    message = tracker.latest_message
    name = (message.intent or {}).get("name") if message else None
    if not name:
        return
    intent = name if domain is not None and name in domain.intents else "other"
    language = _language(tracker.get_slot("language"))
    MESSAGES.labels(language, intent).inc()
    if intent == EMERGENCY:
        EMERGENCIES.labels(language).inc()
    elif intent in FALLBACKS:
        FALLBACK_ANSWERS.labels(language).inc()
    elif intent.startswith(NEEDS):
        country = tracker.get_slot("country")
        ANSWERS.labels(intent, country if country in COUNTRIES else "none").inc()
