"""Run Rasa's command line (``python -m bot.serve run …`` is ``rasa run …``) without jax.

TensorFlow, which Rasa 3.6 imports, tries ``import jax`` for TFLite conversion
only; with jax installed that costs 64 MB of memory in the server for nothing
(README "Design measurements"). Blocking the import makes TensorFlow take its
own documented fallback.
"""
import sys

sys.modules.setdefault("jax", None)

from rasa.__main__ import main  # noqa: E402 - the block above must come first

if __name__ == "__main__":
    main()
