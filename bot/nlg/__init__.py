"""Rasa's natural language generator for Veiviser: responses in the user's language."""
from bot.nlg.generator import SAFETY_CRITICAL, TranslatingNLG

__all__ = ["SAFETY_CRITICAL", "TranslatingNLG"]
