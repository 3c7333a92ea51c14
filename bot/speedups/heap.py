"""Keep the loaded model out of Python's garbage collector's full passes.

Once the model is loaded, the server holds millions of long-lived objects
(TensorFlow, Rasa, the domain, the classifier). Every full collection walks
all of them: a 200 ms pause on this machine, during which no conversation
gets an answer — it was most of the slowest one percent of replies. After
loading, ``gc.freeze()`` moves them to a generation the collector no longer
visits; objects created afterwards are collected as before, but in larger
batches (``THRESHOLDS``; Python's default first threshold is 700 objects):
a message allocates thousands of short-lived objects, and most are freed by
reference counting before a larger batch is due.
"""
from __future__ import annotations

import functools
import gc
from typing import Any

THRESHOLDS = (20_000, 20, 20)  # (new objects before a young collection, young before middle, middle before full)


def _freezing(load_agent_on_start: Any) -> Any:
    @functools.wraps(load_agent_on_start)
    async def load_then_freeze(*args: Any, **kwargs: Any) -> Any:
        agent = await load_agent_on_start(*args, **kwargs)
        gc.collect()
        gc.freeze()
        gc.set_threshold(*THRESHOLDS)
        return agent

    return load_then_freeze


def apply() -> None:
    import rasa.core.run

    rasa.core.run.load_agent_on_start = _freezing(rasa.core.run.load_agent_on_start)
