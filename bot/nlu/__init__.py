"""Rasa NLU pipeline components of Veiviser (referenced by path in config.yml)."""
