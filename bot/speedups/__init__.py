"""Measured speed-ups for Rasa 3.6's server, switched on by ``bot.serve`` before it starts.

Each replaces one hot spot found by profiling the server under load
(py-spy; docs/performance.md "Where the time went" has what each one brings)
with code that gives the same results faster; ``tests/test_speedups.py``
checks each against Rasa's own code.

At a supported extension point, visible where Rasa users look:

- ``rules``: RulePolicy looks only at rules whose last state can match
  (``bot.policies.rule_policy.IndexedRulePolicy``, config.yml).
- ``heap``: the loaded model is kept out of the garbage collector's full
  passes (``bot.channels.lifecycle``, a listener of the operations channel,
  credentials.yml).
- ``admission``: a few messages handled at a time, the others in order of
  arrival (``bot.channels.admission``, in the REST channel, credentials.yml).

Patches of Rasa's internals, where Rasa has no extension point (each
module's docstring says why):

- ``validation``: validators for the action server's responses built once,
  each event checked against its own kind.
- ``graph``: the prediction graphs run in order, without dask's scheduler.
- ``connections``: one kept-open connection pool to the action server.
- ``states``: each tracker remembers the dialogue states already described.
- ``domain``: whether the domain is empty, and slot mappings' validity, asked once.
- ``slots``: slots are copied without ``copy``'s generic machinery.
- ``debug_copies``: no deep copies or formatting for debug log lines that are
  not written (the formatting half is in ``IndexedRulePolicy``).
- ``trackers``: a tracker is copied from its state, not by replaying it.
- ``events``: an event's class is found by its type name once, not per event.

Every patch is guarded (``bot.speedups._guard``): before assigning, it checks
that the name it replaces holds Rasa's own code and that the Rasa functions
meant to call it still do. ``apply`` refuses to start — with a message that
says how to switch the speed-up off — when a speed-up fails to import, its
guard fails, or the installed Rasa is not the version pyproject.toml pins
(read from the installed project's metadata, so the pin is written once).
Speed-up modules are imported only when switched on.

``VEIVISER_SPEEDUPS_OFF=name,…`` switches speed-ups off (``all``: every one,
which also lets the server start on another Rasa version); the extension
points then behave as Rasa's own code.
"""
from __future__ import annotations

import importlib
import logging
import os
from types import ModuleType
from typing import NamedTuple

logger = logging.getLogger(__name__)

# Names of speed-ups to leave out (comma-separated, or "all"), to measure what each one brings.
SWITCH_OFF = "VEIVISER_SPEEDUPS_OFF"
ALL = "all"
PROJECT = "veiviser"  # the installed distribution whose requirements pin Rasa's version


class Speedup(NamedTuple):
    patch: str | None = None  # the module that patches Rasa (its ``apply()``)
    extension: str | None = None  # the module at an extension point (its ``check(name)``, if it has one)


SPEEDUPS: dict[str, Speedup] = {  # in the order of docs/performance.md's table
    "validation": Speedup(patch="bot.speedups.validation"),
    "graph": Speedup(patch="bot.speedups.graph"),
    "rules": Speedup(extension="bot.policies.rule_policy"),
    "connections": Speedup(patch="bot.speedups.connections"),
    "states": Speedup(patch="bot.speedups.states"),
    "domain": Speedup(patch="bot.speedups.domain"),
    "slots": Speedup(patch="bot.speedups.slots"),
    "heap": Speedup(extension="bot.channels.lifecycle"),
    "debug_copies": Speedup(patch="bot.speedups.debug_copies", extension="bot.policies.rule_policy"),
    "trackers": Speedup(patch="bot.speedups.trackers"),
    "events": Speedup(patch="bot.speedups.events"),
    "admission": Speedup(extension="bot.channels.admission"),
}
_applied: list[ModuleType] = []


def switched_off() -> set[str]:
    """The names in $VEIVISER_SPEEDUPS_OFF, ``all`` standing for every speed-up (unknown names kept)."""
    names = {name.strip() for name in os.environ.get(SWITCH_OFF, "").split(",") if name.strip()}
    if ALL in names:
        names = (names - {ALL}) | set(SPEEDUPS)
    return names


def enabled(name: str) -> bool:
    """Whether the speed-up ``name`` is on (asked by the extension points, at any time)."""
    return name not in switched_off()


def supported_rasa():
    """The version specifier of Rasa that the project pins (pyproject.toml, as installed), e.g. ``==3.6.21``."""
    from importlib import metadata

    from packaging.requirements import Requirement

    try:
        requirements = metadata.requires(PROJECT) or []
    except metadata.PackageNotFoundError:
        raise SystemExit(
            f"bot.speedups: the project ({PROJECT}) is not installed, so the Rasa version it pins is unknown. "
            f"Install it (pip install --constraint requirements.lock -e .), or start without the speed-ups: "
            f"{SWITCH_OFF}={ALL}.") from None
    for line in requirements:
        requirement = Requirement(line)
        if requirement.name.lower() == "rasa" and (requirement.marker is None or requirement.marker.evaluate()):
            return requirement.specifier
    raise SystemExit(f"bot.speedups: {PROJECT}'s requirements pin no Rasa version. Start without the speed-ups: "
                     f"{SWITCH_OFF}={ALL}.")


def check_rasa_version() -> None:
    """Refuse (SystemExit) unless the installed Rasa is the version the project pins."""
    import rasa

    wanted = supported_rasa()
    if not wanted.contains(rasa.__version__, prereleases=True):
        raise SystemExit(
            f"bot.speedups: Rasa {rasa.__version__} is installed, but the speed-ups are written for "
            f"rasa{wanted} (pyproject.toml) and patch its internals. Install that version "
            f"(pip install --constraint requirements.lock -e .), or start without the speed-ups: "
            f"{SWITCH_OFF}={ALL}.")


def apply() -> list[str]:
    """Switch on every speed-up not named in $VEIVISER_SPEEDUPS_OFF; returns their names.

    Patches are applied; extension points are checked. Anything that fails stops the start
    (SystemExit) with a message naming the speed-up and how to switch it off.
    """
    off = switched_off()
    unknown = off - set(SPEEDUPS)
    if unknown:
        raise SystemExit(f"{SWITCH_OFF}: no speed-up named {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(SPEEDUPS)}, or {ALL})")
    wanted = [name for name in SPEEDUPS if name not in off]
    if wanted:
        check_rasa_version()
    for name in wanted:
        speedup = SPEEDUPS[name]
        try:
            if speedup.extension:
                where = speedup.extension
                extension = importlib.import_module(speedup.extension)
                if hasattr(extension, "check"):
                    extension.check(name)
            if speedup.patch:
                where = speedup.patch
                module = importlib.import_module(speedup.patch)
                module.apply()
                _applied.append(module)
        except Exception as error:  # noqa: BLE001 - any failure of a speed-up stops the start, named
            raise SystemExit(
                f"bot.speedups: the speed-up {name!r} ({where}) cannot be switched on: "
                f"{type(error).__name__}: {error}. Start without it: add it to {SWITCH_OFF} "
                f"(e.g. {SWITCH_OFF}={name}), or {SWITCH_OFF}={ALL} for none.") from error
    logger.info("Speed-ups on: %s.", ", ".join(wanted) or "none")
    return wanted


async def close() -> None:
    """Release what the applied speed-ups hold open (the action server connections); at server stop."""
    for module in _applied:
        closing = getattr(module, "close", None)
        if closing is not None:
            await closing()
