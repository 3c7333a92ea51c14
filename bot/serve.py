"""Run Rasa's command line (``python -m bot.serve run …`` is ``rasa run …``), lighter and faster.

- TensorFlow, which Rasa 3.6 imports, tries ``import jax`` for TFLite
  conversion only; with jax installed that costs 64 MB of memory in the server
  for nothing. Blocking the import makes TensorFlow take its own fallback.
- ``bot.speedups`` replaces measured hot spots of the server with faster
  code that gives the same results; it refuses to start, saying how to
  switch the speed-up off (``VEIVISER_SPEEDUPS_OFF``), on another Rasa
  version than pyproject.toml pins or when a patch would miss its target.
- ``bot.action_guard`` gives custom actions a few seconds, and the user a
  notice with the emergency numbers when one fails.
- ``bot.server_logs`` keeps message texts, slot values and traceback locals
  out of the server's logs.

docs/evaluation.md "Design measurements" has the numbers.
"""
import sys

sys.modules.setdefault("jax", None)

from rasa.__main__ import main  # noqa: E402 - the block above must come first

from bot import action_guard, server_logs, speedups  # noqa: E402

if __name__ == "__main__":
    server_logs.apply()
    action_guard.apply()
    speedups.apply()
    main()
