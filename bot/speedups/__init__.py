"""Measured speed-ups for Rasa 3.6's server, applied by ``bot.serve`` before it starts.

Each module replaces one hot spot found by profiling the server under load
(py-spy; docs/performance.md "Where the time went" has what each one brings) with code that gives the same results
faster; ``tests/test_speedups.py`` checks each against Rasa's own code.

- ``validation``: validators for the action server's responses built once,
  each event checked against its own kind.
- ``graph``: the prediction graphs run in order, without dask's scheduler.
- ``rules``: RulePolicy looks only at rules whose last state can match.
- ``connections``: one kept-open connection pool to the action server.
- ``states``: each tracker remembers the dialogue states already described.
- ``domain``: whether the domain is empty, and slot mappings' validity, asked once.
- ``slots``: slots are copied without ``copy``'s generic machinery.
- ``heap``: the loaded model is kept out of the garbage collector's full passes.
- ``debug_copies``: no deep copies or formatting for debug log lines that are not written.
- ``trackers``: a tracker is copied from its state, not by replaying it.
- ``admission``: a few messages handled at a time, the others in order of arrival.
"""
from __future__ import annotations

import os

from bot.speedups import (
    admission,
    connections,
    debug_copies,
    domain,
    graph,
    heap,
    rules,
    slots,
    states,
    trackers,
    validation,
)

SPEEDUPS = {
    module.__name__.rsplit(".", 1)[-1]: module.apply
    for module in (validation, graph, rules, connections, states, domain, slots, heap, debug_copies, trackers,
                   admission)
}
# Names of speed-ups to leave out (comma-separated), to measure what each one brings.
SWITCH_OFF = "VEIVISER_SPEEDUPS_OFF"


def apply() -> list[str]:
    """Apply every speed-up not named in $VEIVISER_SPEEDUPS_OFF; returns the names applied."""
    off = {name.strip() for name in os.environ.get(SWITCH_OFF, "").split(",") if name.strip()}
    unknown = off - set(SPEEDUPS)
    if unknown:
        raise SystemExit(f"{SWITCH_OFF}: no speed-up named {', '.join(sorted(unknown))} (known: {', '.join(SPEEDUPS)})")
    applied = [name for name in SPEEDUPS if name not in off]
    for name in applied:
        SPEEDUPS[name]()
    return applied
