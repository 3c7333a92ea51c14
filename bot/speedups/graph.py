"""Run Rasa's prediction graphs node by node, in dependency order.

Rasa hands every message's NLU graph and every next-action prediction to
``dask.get``, which orders the graph, schedules it and tracks its state anew
each time; for graphs of a dozen nodes run on one thread that bookkeeping
costs more than some of the nodes. The order of a graph for a set of
targets never changes, so it is worked out once; the nodes themselves (Rasa's
``GraphNode``) and their inputs and outputs are exactly those dask would use.

A guarded patch: the runner class is fixed in Rasa's message processor
(``MessageProcessor._load_model``); no configuration chooses it.
"""
from __future__ import annotations

import functools
from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

from bot.speedups._guard import Patch, apply_all


class SequentialGraphRunner(DaskGraphRunner):
    """``DaskGraphRunner`` without dask at prediction time (training keeps dask)."""

    def run(self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None) -> dict[str, Any]:
        run_targets = tuple(targets) if targets else tuple(self._graph_schema.target_names)
        inputs = inputs or {}
        results: dict[str, Any] = {}
        for name, value in inputs.items():
            if name in self._graph_schema.nodes:
                raise GraphRunError(f"Input value '{name}' clashes with a node name.")
            results[name] = (name, value)
        try:
            for name, needs in self._order(run_targets):
                # An input nobody provided reaches the node as its bare name, as with dask.
                results[name] = self._instantiated_nodes[name](*(results.get(need, need) for need in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return {target: results[target][1] for target in run_targets}

    @functools.lru_cache(maxsize=32)  # noqa: B019 - one runner per loaded model, a handful of target sets
    def _order(self, targets: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The nodes ``targets`` depend on, each after everything it needs."""
        nodes = self._graph_schema.nodes
        ordered: list[tuple[str, tuple[str, ...]]] = []
        done: set[str] = set()

        def visit(name: str) -> None:
            if name in done or name not in nodes:
                return
            done.add(name)
            needs = tuple(nodes[name].needs.values())
            for need in needs:
                visit(need)
            ordered.append((name, needs))

        for target in targets:
            visit(target)
        return tuple(ordered)


def patches() -> list[Patch]:
    import rasa.core.processor

    return [Patch(rasa.core.processor, "DaskGraphRunner", SequentialGraphRunner, original=DaskGraphRunner,
                  callers=(rasa.core.processor.MessageProcessor._load_model,))]


def apply() -> None:
    apply_all(patches())
