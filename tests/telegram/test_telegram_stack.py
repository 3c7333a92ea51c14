"""The gateway against the real assistant: Rasa and the action server (bot.stack), fake Telegram.

Also ``veiviser run`` (what ``make run`` runs): all three processes start,
answer in Norwegian, and stop cleanly on SIGTERM.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from pathlib import Path

import httpx
import pytest
import yaml
from fakes import ANNA, SECRET, alive, next_text, wait_until

from bot import paths
from bot.i18n import lookup
from bot.relay.identity import Pseudonyms
from bot.stack import Stack
from bot.telegram.render import escape

pytestmark = [pytest.mark.model, pytest.mark.e2e]


def norwegian(name: str, index: int = -1) -> str:
    """A response's Norwegian text, as the gateway sends it."""
    for path in paths.DOMAIN.glob("*.yml"):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        if name in responses:
            return escape(lookup("nb", name, responses[name][index]["text"]).text)
    raise KeyError(name)


@pytest.fixture(scope="module")
def stack():
    with Stack(enable_api=True) as running:
        yield running


async def test_the_gateway_talks_norwegian_with_the_real_assistant_and_rasa_never_sees_telegram_ids(
        stack, start, telegram):
    await start(rasa_url=stack.rasa_url)
    telegram.say(ANNA, "hei hei, er det noen her?", language_code="nb")
    greeting = await next_text(telegram, ANNA, 1, timeout=30)
    assert greeting == norwegian("utter_greet")
    buttons = telegram.sent(ANNA)[0]["reply_markup"]["inline_keyboard"]
    assert len(buttons) >= 4

    telegram.press(ANNA, buttons[0][0]["callback_data"], language_code="nb")  # "I need help"
    assert (await next_text(telegram, ANNA, 2, timeout=30)).startswith(norwegian("utter_find_help"))

    sender = Pseudonyms(SECRET.encode()).sender(ANNA)
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker", timeout=10).json()
    assert tracker["sender_id"] == sender
    assert any(e.get("text") == "hei hei, er det noen her?" for e in tracker["events"]), "the right tracker"
    stored = json.dumps(tracker, ensure_ascii=False)
    rasa_log = (stack.log_dir / "rasa.log").read_text(encoding="utf-8", errors="replace")
    for value in (str(ANNA), "Ingrid", "Hemmeligsen", f"ingrid_secret_{ANNA}"):
        assert value not in stored and value not in rasa_log, value

    telegram.say(ANNA, "/forget", language_code="nb")
    await wait_until(lambda: telegram.called("deleteMessages"), timeout=30, what="the deletion")
    assert set(telegram.called("deleteMessages")[0]["message_ids"]) >= {1, 2, 3, 4}


def _children(pid: int) -> set[int]:
    """Process ids of the direct children of ``pid`` (the stack's servers run in their own sessions)."""
    found = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(proc.name))
    return found


async def test_veiviser_run_starts_all_three_and_stops_them_cleanly(telegram):
    if not paths.MODEL.exists():
        pytest.fail(f"{paths.MODEL} is missing: run `make train`")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TELEGRAM_", "RASA_URL", "VEIVISER_ENV"))}
    env.update(TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_BASE_URL=telegram.base_url, VEIVISER_SECRET=SECRET)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=paths.ROOT, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    stderr = asyncio.create_task(process.stderr.read())
    servers: set[int] = set()
    try:
        await wait_until(lambda: telegram.called("getUpdates") or process.returncode is not None,
                         timeout=180, what="the gateway to poll")
        assert process.returncode is None, (await stderr).decode()
        servers = _children(process.pid)
        assert len(servers) == 2, "the action server and Rasa are running"
        telegram.say(ANNA, "hei", language_code="nb")
        assert await next_text(telegram, ANNA, 1, timeout=30) == norwegian("utter_greet")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), timeout=60)
    output = (await stderr).decode()
    assert code == 0, output
    assert "Telegram gateway stopped" in output and "Stopping the gateway, Rasa and the action server" in output
    assert not [pid for pid in servers if alive(pid)], "no server is left running"
    rasa_url = re.search(r"against Rasa at (http://127\.0\.0\.1:\d+)", output).group(1)
    with pytest.raises(httpx.ConnectError):
        httpx.get(rasa_url, timeout=2)
