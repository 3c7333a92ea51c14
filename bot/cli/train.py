"""``veiviser train``: train the model into ``models/`` with the project's layout."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bot import paths
from bot.stack import quiet_environment


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("train", help="train the Rasa model into models/")
    parser.add_argument("--config", default=str(paths.CONFIG))
    parser.add_argument("--name", default="veiviser", help="model file name in models/ (without .tar.gz)")
    parser.add_argument("--force", action="store_true", help="train every component again (no cache), e.g. to time it")
    parser.set_defaults(run=run)


def train(config: Path, name: str, force: bool = False) -> int:
    """Train ``models/<name>.tar.gz``; on success, record how long it took in ``models/<name>.train.json``."""
    command = [
        sys.executable, "-m", "rasa", "train",
        "--domain", str(paths.DOMAIN),
        "--data", str(paths.NLU_DATA), str(paths.DIALOGUE),
        "--config", str(config),
        "--out", str(paths.MODELS),
        "--fixed-model-name", name,
        *(["--force"] if force else []),
    ]
    started = time.perf_counter()
    code = subprocess.call(command, cwd=paths.ROOT, env=quiet_environment())
    if code == 0:
        record = {"seconds": round(time.perf_counter() - started, 1), "config": str(config.name)}
        (paths.MODELS / f"{name}.train.json").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return code


def run(args: argparse.Namespace) -> int:
    return train(Path(args.config), args.name, args.force)
