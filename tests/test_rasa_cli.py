"""Rasa's own checks, run the way CI in RasaHQ/rasa-demo runs them."""
import subprocess
import sys

import pytest

from bot import paths
from bot.stack import quiet_environment


def rasa(*args, cwd=paths.ROOT, module="rasa"):
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, env=quiet_environment(),
                          capture_output=True, text=True, timeout=900)


def test_data_validates_without_warnings():
    result = rasa("data", "validate", "--domain", "responses", "--data", "intents", "dialogue",
                  "--config", "config.yml", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.model
@pytest.mark.parametrize("module", ["rasa", "bot.serve"])  # stock Rasa, and Rasa with bot.speedups as served
def test_stories_in_every_language_pass(tmp_path, module):
    result = rasa("test", "core", "--model", str(paths.MODEL), "--stories", "tests/stories",
                  "--endpoints", "endpoints.yml", "--fail-on-prediction-errors", "--out", str(tmp_path),
                  module=module)
    assert result.returncode == 0, (tmp_path / "failed_test_stories.yml").read_text() \
        if (tmp_path / "failed_test_stories.yml").exists() else result.stdout[-3000:]


@pytest.mark.model
def test_a_wrong_story_fails(tmp_path):
    """The story check can fail: a story that expects the wrong answer is caught."""
    story = (paths.ROOT / "tests" / "stories" / "en.yml").read_text(encoding="utf-8")
    broken = tmp_path / "stories"
    broken.mkdir()
    (broken / "en.yml").write_text(story.replace("action: utter_find_shelter", "action: utter_find_health"))
    result = rasa("test", "core", "--model", str(paths.MODEL), "--stories", str(broken),
                  "--endpoints", "endpoints.yml", "--fail-on-prediction-errors", "--out", str(tmp_path / "out"))
    assert result.returncode != 0
