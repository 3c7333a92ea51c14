"""What the Rasa server does once it has started and once it has stopped (Sanic listeners).

Registered by the operations channel (``bot.channels.operations``, named in
credentials.yml), whose blueprint Rasa's server carries:

- ``after_server_start`` (speed-up ``heap``): keep the loaded model out of
  Python's garbage collector's full passes. Once the model is loaded (Rasa
  loads it ``before_server_start``), the server holds millions of
  long-lived objects (TensorFlow, Rasa, the domain, the classifier). Every
  full collection walks all of them: a 200 ms pause on this machine, during
  which no conversation gets an answer — it was most of the slowest one
  percent of replies. ``gc.freeze()`` moves them to a generation the
  collector no longer visits; objects created afterwards are collected as
  before, but in larger batches (``THRESHOLDS``; Python's default first
  threshold is 700 objects): a message allocates thousands of short-lived
  objects, and most are freed by reference counting before a larger batch
  is due.
- ``after_server_stop``: close what the speed-ups hold open (the kept-open
  connections to the action server, ``bot.speedups.connections``).
"""
from __future__ import annotations

import gc
import logging
from typing import Any

from sanic import Blueprint

from bot import speedups

logger = logging.getLogger(__name__)
THRESHOLDS = (20_000, 20, 20)  # (new objects before a young collection, young before middle, middle before full)


async def freeze_loaded_model(app: Any, loop: Any) -> None:
    """``after_server_start``: everything alive now (the loaded model) is left out of later collections."""
    if not speedups.enabled("heap"):
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    logger.info("Heap frozen after loading: %d objects.", gc.get_freeze_count())


async def close_speedups(app: Any, loop: Any) -> None:
    """``after_server_stop``: release what the speed-ups hold open."""
    await speedups.close()


def register(blueprint: Blueprint) -> None:
    blueprint.listener("after_server_start")(freeze_loaded_model)
    blueprint.listener("after_server_stop")(close_speedups)
