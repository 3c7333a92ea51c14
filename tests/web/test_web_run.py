"""``make run`` without a Telegram token (and ``make web``): the action server, Rasa and the web chat together."""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot import paths
from bot.stack import free_port

pytestmark = [pytest.mark.model, pytest.mark.e2e]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


def test_run_without_a_token_serves_the_web_chat_and_stops_everything():
    if not paths.MODEL.exists():
        pytest.fail(f"{paths.MODEL} is missing: run `make train`")
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "RASA_URL"))}
    env["VEIVISER_WEB_PORT"] = str(port)
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=paths.ROOT, env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    servers: set[int] = set()
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the web chat is ready within 3 minutes"
            time.sleep(0.5)
        servers = _children(process.pid)
        assert len(servers) == 2, "the action server and Rasa are running"
        turn = httpx.post(f"{url}/message", json={"tab": secrets.token_hex(16), "text": "hei", "language": "nb"},
                          timeout=20).json()
        assert turn["messages"] and "".join(part["text"] for part in turn["messages"][0]["parts"]).strip()
        assert not any(message.get("notice") for message in turn["messages"]), "Rasa answered, not the fallback"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        code = process.wait(60)
    output = process.stderr.read().decode()
    assert code == 0, output
    assert f"The web chat is at {url}/" in output and "Stopping the gateway, Rasa and the action server" in output
    assert not [pid for pid in servers if _alive(pid)], "no server is left running"
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2)
