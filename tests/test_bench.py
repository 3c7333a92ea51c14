"""The benchmark's smoke variant: it starts our stack, drives it, and reports real numbers."""
import json
import subprocess
import sys

import pytest

from bot import paths

pytestmark = [pytest.mark.model, pytest.mark.e2e]


def test_bench_smoke(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, "-m", "bot.cli", "bench", "--smoke", "--out", str(out)],
                            cwd=paths.ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    ours = report["stack"]["ours"]
    assert set(ours["levels"]) == {"1", "5"}
    for level in ours["levels"].values():
        assert level["messages"] > 0 and level["errors"] == 0
        assert 0 < level["p50_ms"] <= level["p95_ms"] <= level["p99_ms"]
        assert level["messages_per_s"] > 0
    assert ours["peak_rss_mb"]["rasa"] > 100 and ours["peak_rss_mb"]["action_server"] > 10
    assert ours["ready_s"] > 0
    through_gateway = ours["gateway"]["levels"]["1"]
    assert through_gateway["messages"] == 10 and through_gateway["errors"] == 0  # 2 conversations of 5 messages
    assert 0 < through_gateway["p50_ms"] <= through_gateway["p99_ms"] and ours["peak_rss_mb"]["gateway"] > 10
    assert report["directory"]["lookup_ms"]["p99"] > 0 and report["language_detection"]["right"] > 0
    assert "p95 ms" in result.stdout and "peak RSS" in result.stdout and "through the Telegram gateway" in result.stdout


def test_the_benchmarks_balancer_sends_each_message_to_the_replica_with_fewest_in_flight():
    from bot.benchmarks.load import RANDOM, Balancer

    balancer = Balancer(["a", "b"])
    first, second = balancer.take(), balancer.take()
    assert {first, second} == {"a", "b"}
    third = balancer.take()
    balancer.done(first)
    assert balancer.take() == first  # the other has two in flight
    balancer.done(second), balancer.done(third)
    spread = Balancer(["a", "b"], RANDOM, seed=1)
    picks = [spread.take() for _ in range(40)]
    assert {"a", "b"} == set(picks) and max(picks.count("a"), picks.count("b")) > 20  # uneven, as random is
    with pytest.raises(ValueError):
        Balancer(["a"], "sticky")
