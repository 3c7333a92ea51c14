"""The help directory: places, services and rights from ``resources/``, and how to find them.

Pure Python (no Rasa, no network), so the action server, the CLI and the
benchmarks use exactly the same code.
"""
from bot.directory.load import Problem, load_directory
from bot.directory.lookup import Answer, Finder, Match
from bot.directory.places import PlaceIndex, Recognition
from bot.directory.schema import COUNTRIES, TOPICS, Directory, Place, Right, Service
from bot.directory.store import DirectoryStore, Snapshot, default_store

__all__ = [
    "COUNTRIES", "TOPICS", "Answer", "Directory", "DirectoryStore", "Finder", "Match", "Place", "PlaceIndex",
    "Problem", "Recognition", "Right", "Service", "Snapshot", "default_store", "load_directory",
]
