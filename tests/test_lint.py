"""The code passes the same lint in CI as `make lint` locally."""
import shutil
import subprocess
import sys

from bot import paths


def test_ruff_passes():
    ruff = shutil.which("ruff", path=str(paths.ROOT / ".venv" / "bin")) or shutil.which("ruff")
    command = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    result = subprocess.run([*command, "check", "bot", "actions", "tests"], cwd=paths.ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
