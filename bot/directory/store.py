"""The directory in service: loaded once, reloaded when a file changes.

A background thread looks at the files' modification times every second. A
change that validates replaces the data at once (the next lookup sees it); a
change with errors is refused — the last good data stays in service and the
log names each problem with file and line. So is a change that would drop
services, places or texts that are in service (a deleted, renamed, emptied or
truncated file looks valid on its own); removing them on purpose takes a
restart, whose first load compares with nothing. Nothing here ever raises into
the conversation.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot import paths
from bot.directory.load import Problem, directory_files, load_directory, shown_path
from bot.directory.lookup import Finder
from bot.directory.places import PlaceIndex
from bot.directory.schema import Directory

logger = logging.getLogger(__name__)


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


# what a reload may not drop --------------------------------------------------
LISTED = 10  # ids named in one log line; the rest are counted
REMOVE_HINT = ("restore what is missing; to remove it on purpose, restart the action server after the change "
               "(see resources/README.md)")


def _losses(old: Directory, new: Directory, root: Path, problems: list[Problem]) -> list[Problem]:
    """Errors for what ``new`` would silently drop from ``old``, the data in service.

    Each file is checked on its own, so a deleted, emptied or truncated file
    looks valid, and a shelter would vanish from answers without a word: only a
    comparison with the last good data shows it. Files that already have errors
    are left out — their own errors say what is wrong.
    """
    broken = {p.path for p in problems if p.level == "error"}
    found = [*_lost_services(old, new, root), *_lost_texts(old, new, root), *_lost_places(old, new, root)]
    return [p for p in found if p.path not in broken]


def _lost_services(old: Directory, new: Directory, root: Path) -> Iterator[Problem]:
    """By id, not by file: moving a service to another file, or renaming a file, loses nothing."""
    kept = {service.id for service in new.services}
    remaining = Counter(service.origin.path for service in new.services)
    lost: dict[str, list[str]] = {}
    for service in old.services:
        if service.id not in kept:
            lost.setdefault(service.origin.path, []).append(f"{service.id} (was line {service.origin.line})")
    for path, ids in sorted(lost.items()):
        yield _loss(root, path, ids, remaining[path], "services")


def _lost_texts(old: Directory, new: Directory, root: Path) -> Iterator[Problem]:
    """Rights and guidance texts, one file per country."""
    for section, before, after in (("rights", old.rights, new.rights), ("guidance", old.guidance, new.guidance)):
        remaining = Counter(country for country, _ in after)
        lost: dict[str, list[str]] = {}
        for country, key in sorted(before):
            if (country, key) not in after:
                lost.setdefault(country, []).append(key)
        for country, keys in lost.items():
            yield _loss(root, shown_path(root / section / f"{country}.yml", root), keys, remaining[country], f"{section} texts")


def _lost_places(old: Directory, new: Directory, root: Path) -> Iterator[Problem]:
    """Municipalities and counties: a places file cut short would leave towns unrecognised."""
    for code, country in sorted(old.countries.items()):
        after = new.countries.get(code)
        now = {**after.counties, **after.municipalities} if after else {}
        before = {**country.counties, **country.municipalities}
        lost = [f"{place.code} {place.name}" for key, place in before.items() if key not in now]
        if lost:
            yield _loss(root, shown_path(root / "places" / f"{code}.yml", root), lost, len(now), "places")


def _loss(root: Path, path: str, lost: list[str], remaining: int, noun: str) -> Problem:
    """One error for one file: why its entries are gone, how many, and which."""
    file = root.parent / path  # problems name files from the resources folder on
    if not file.is_file():
        why = "the file was deleted or renamed (only files ending in .yml are read)"
    elif remaining == 0:
        why = f"the file {_emptiness(file, noun)}"
    else:
        why = f"{noun} are missing from the file (an entry removed, or a save cut short)"
    listed = ", ".join(lost[:LISTED]) + (f" and {len(lost) - LISTED} more" if len(lost) > LISTED else "")
    counted = f"1 {noun[:-1]}" if len(lost) == 1 else f"{len(lost)} {noun}"
    return Problem(path, 1, 1, "error", f"{why}: {counted} in service would disappear: {listed}", REMOVE_HINT)


def _emptiness(file: Path, noun: str) -> str:
    """The ways a file that is still there can give nothing, in the coordinator's words."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "cannot be read"
    if not text:
        return "is empty (0 bytes)"
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return "is empty (only blank lines and comments)"
    return f"has no {noun} (e.g. 'services: []')" if noun == "services" else f"has no {noun}"


class DirectoryStore:
    def __init__(self, root: Path | None = None, poll_seconds: float = 1.0) -> None:
        """Load ``root`` (``paths.resources()`` when not given) as it is: the first load compares with
        nothing, so a restart applies removals."""
        root = paths.resources() if root is None else root
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
            problems = sorted([*problems, *_losses(self._snapshot.directory, directory, self.root, problems)],
                              key=lambda p: (p.path, p.line, p.column))
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
            files = ", ".join(sorted({p.path for p in errors}))
            logger.error("Help directory change refused (%d errors in %s); the last good data stays in service.",
                         len(errors), files)
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


def use_default_store(store: DirectoryStore) -> None:
    """Make ``store`` the process-wide one (``veiviser resources show --path``: the actions read that folder)."""
    global _default
    with _default_lock:
        _default = store
