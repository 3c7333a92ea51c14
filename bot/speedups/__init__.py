"""Measured speed-ups for Rasa 3.6's server, applied by ``bot.serve`` before it starts.

Each module replaces one hot spot found by profiling the server under load
(py-spy, README "Design measurements") with code that gives the same results
faster; ``tests/test_speedups.py`` checks each against Rasa's own code.

- ``validation``: validators for the action server's responses built once,
  each event checked against its own kind.
- ``graph``: the prediction graphs run in order, without dask's scheduler.
- ``rules``: RulePolicy looks only at rules whose last state can match.
- ``connections``: one kept-open connection pool to the action server.
- ``states``: each tracker remembers the dialogue states already described.
- ``domain``: whether the domain is empty is asked once, not per message.
- ``slots``: slots are copied without ``copy``'s generic machinery.
- ``heap``: the loaded model is kept out of the garbage collector's full passes.
- ``debug_copies``: no deep copies for debug log lines that are not written.
- ``trackers``: a tracker is copied from its state, not by replaying it.
"""
from __future__ import annotations

from bot.speedups import (
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


def apply() -> None:
    validation.apply()
    graph.apply()
    rules.apply()
    connections.apply()
    states.apply()
    domain.apply()
    slots.apply()
    heap.apply()
    debug_copies.apply()
    trackers.apply()
