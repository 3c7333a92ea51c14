"""Which language to answer in: the supported list, Babel negotiation, detection.

The Rasa-facing pieces (the policy that sets the ``language`` slot) live in
``bot.language.policy`` so that importing this package stays cheap.
"""
from bot.language.detect import detect
from bot.language.negotiate import negotiate
from bot.language.resolve import resolve_language
from bot.language.supported import LanguageConfig, load_config

__all__ = ["LanguageConfig", "load_config", "negotiate", "detect", "resolve_language"]
