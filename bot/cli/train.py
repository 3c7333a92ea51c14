"""``veiviser train``: train the model into ``models/`` with the project's layout."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from bot import paths
from bot.stack import quiet_environment


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("train", help="train the Rasa model into models/")
    parser.add_argument("--config", default=str(paths.CONFIG))
    parser.add_argument("--name", default="veiviser", help="model file name in models/ (without .tar.gz)")
    parser.set_defaults(run=run)


def train(config: Path, name: str) -> int:
    command = [
        sys.executable, "-m", "rasa", "train",
        "--domain", str(paths.DOMAIN),
        "--data", str(paths.NLU_DATA), str(paths.DIALOGUE),
        "--config", str(config),
        "--out", str(paths.MODELS),
        "--fixed-model-name", name,
    ]
    return subprocess.call(command, cwd=paths.ROOT, env=quiet_environment())


def run(args: argparse.Namespace) -> int:
    return train(Path(args.config), args.name)
