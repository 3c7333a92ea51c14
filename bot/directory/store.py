"""The directory in service: loaded once, reloaded when a file changes.

A background thread looks at the files' modification times every second. A
change that validates replaces the data at once (the next lookup sees it); a
change with errors is refused — the last good data stays in service and the
log names each problem with file and line. Nothing here ever raises into the
conversation.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from bot import paths
from bot.directory.load import Problem, directory_files, load_directory
from bot.directory.lookup import Finder
from bot.directory.places import PlaceIndex
from bot.directory.schema import Directory

logger = logging.getLogger(__name__)
RESOURCES = Path(os.environ.get("VEIVISER_RESOURCES", paths.ROOT / "resources"))


@dataclass(frozen=True)
class Snapshot:
    directory: Directory
    finder: Finder
    places: PlaceIndex
    version: int


def _fingerprint(root: Path) -> tuple:
    entries = []
    for path in directory_files(root):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


class DirectoryStore:
    def __init__(self, root: Path = RESOURCES, poll_seconds: float = 1.0) -> None:
        self.root = root
        self.poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._fingerprint = _fingerprint(root)
        directory, problems = load_directory(root)
        self._log(problems, refused=False)
        self._snapshot = Snapshot(directory, Finder(directory), PlaceIndex(directory), 1)

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    def reload_if_changed(self) -> bool:
        """Reload when a file changed; True when new data went into service."""
        fingerprint = _fingerprint(self.root)
        if fingerprint == self._fingerprint:
            return False
        with self._lock:
            self._fingerprint = fingerprint
            directory, problems = load_directory(self.root)
            if any(p.level == "error" for p in problems):
                self._log(problems, refused=True)
                return False
            self._log(problems, refused=False)
            self._snapshot = Snapshot(directory, Finder(directory), PlaceIndex(directory), self._snapshot.version + 1)
            logger.info("Help directory reloaded (version %d, %d services).", self._snapshot.version, len(directory.services))
            return True

    def start(self) -> DirectoryStore:
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="directory-reload", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.reload_if_changed()
            except Exception:  # noqa: BLE001 - the watcher must survive anything a file can do
                logger.exception("Checking the help directory for changes failed; keeping the current data.")

    @staticmethod
    def _log(problems: list[Problem], refused: bool) -> None:
        errors = [p for p in problems if p.level == "error"]
        if refused:
            logger.error("Help directory change refused (%d errors); the last good data stays in service.", len(errors))
        for problem in errors:
            logger.error("%s", problem)
        for problem in problems:
            if problem.level == "warning":
                logger.debug("%s", problem)


_default: DirectoryStore | None = None
_default_lock = threading.Lock()


def default_store() -> DirectoryStore:
    """The process-wide store, started on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = DirectoryStore().start()
        return _default
