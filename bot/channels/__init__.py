"""Rasa input channels of Veiviser (named in credentials.yml)."""
