"""Faults on the gateway's side: every emergency is still answered, with 112, in the user's language.

Rasa hung (SIGSTOP), killed, or killed and started again behind the real
gateway; the action server or Rasa killed under ``veiviser run``; the gateway
itself stopped with SIGTERM while messages are in flight, or killed with
SIGKILL and started again. Each fault is shown with an acute-danger message
("hjelp, de slår meg", "help, they are beating me"): the answer is Rasa's own
emergency answer when Rasa can give it, else the gateway's apology with the
emergency numbers — never silence. The servers' faults seen from Rasa's REST
channel alone are in tests/test_faults.py.

Everything runs on 127.0.0.1: the real Rasa and action server (bot.stack), the
fake Telegram Bot API, and the gateway in this process or as a subprocess.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import httpx
import pytest
import yaml
from aiohttp import web
from fakes import ANNA, BO, SECRET, alive, next_text, wait_until

from bot import paths
from bot.benchmarks.local_server import LocalServer
from bot.i18n import lookup
from bot.i18n.phrases import Phrasebook
from bot.stack import Stack
from bot.telegram.gateway import PHRASES
from bot.telegram.render import escape

pytestmark = [pytest.mark.model, pytest.mark.e2e]

CARL = 5550009012
HELP_NB, HELP_EN = "hjelp, de slår meg", "help, they are beating me"
LOCKED_IN = "jeg er innelåst, hjelp meg nå"
SLEEP_IN_OSLO = "jeg trenger et sted å sove i Oslo"  # needs the action server (the directory)
PRIVATE = (str(ANNA), str(BO), str(CARL), "Ingrid", "Hemmeligsen", "ingrid_secret", HELP_NB, HELP_EN,
           LOCKED_IN, SLEEP_IN_OSLO, SECRET)
phrase = Phrasebook(PHRASES, "gateway")


# -- what counts as an answer --------------------------------------------------------------
def fallback(language: str) -> str:
    """The gateway's own apology with the emergency numbers, as sent."""
    return escape("\n\n".join(phrase(language, key) for key in ("fault", "emergency_numbers")))


def rasa_emergency(language: str) -> set[str]:
    """Rasa's own emergency answer (utter_emergency, each variation) in ``language``, as the gateway sends it."""
    for path in paths.DOMAIN.glob("*.yml"):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        if "utter_emergency" in responses:
            return {escape(lookup(language, "utter_emergency", variation["text"]).text)
                    for variation in responses["utter_emergency"]}
    raise KeyError("utter_emergency")


def assert_fallback(text: str, language: str) -> None:
    assert text == fallback(language), "the gateway's apology with the emergency numbers, in the user's language"
    assert "112" in text


def assert_rasa_emergency(text: str, language: str) -> None:
    """Rasa's emergency answer first (the gateway sends Rasa's messages of one turn as one message)."""
    assert text.startswith(tuple(rasa_emergency(language))), "Rasa's own emergency answer, in the user's language"
    assert "112" in text


def assert_private(output: str) -> None:
    for value in PRIVATE:
        assert value not in output, "no text, id or username in the gateway's log"


async def settled(telegram, chat_id: int, quiet: float = 0.4) -> int:
    """The number of texts in the chat once no more arrive (a turn may send two messages: the emergency
    numbers, then the rest of the answer with its buttons; a late turn after SIGCONT, too)."""
    count = -1
    while count != len(telegram.texts(chat_id)):
        count = len(telegram.texts(chat_id))
        await asyncio.sleep(quiet)
    return count


async def ask(telegram, chat_id: int, text: str, language: str, timeout: float = 10.0) -> tuple[str, float]:
    """Say ``text`` in a private chat; the first message of the answer and the seconds it took."""
    before = await settled(telegram, chat_id)
    started = time.monotonic()
    telegram.say(chat_id, text, language_code=language)
    reply = await next_text(telegram, chat_id, before + 1, timeout)
    return reply, time.monotonic() - started


async def answer_of(telegram, chat_id: int, text: str, language: str, timeout: float = 15.0) -> str:
    """The whole answer (Rasa's messages joined), once the messages stop coming for half a second."""
    before = len(telegram.texts(chat_id))
    telegram.say(chat_id, text, language_code=language)
    await next_text(telegram, chat_id, before + 1, timeout)
    count = -1
    while count != len(telegram.texts(chat_id)):
        count = len(telegram.texts(chat_id))
        await asyncio.sleep(0.5)
    return "\n\n".join(telegram.texts(chat_id)[before:])


async def answers_http(url: str, timeout: float) -> None:
    """Wait until ``url`` answers 200 (a server that was started again is ready)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(trust_env=False) as client:
        while True:
            try:
                if (await client.get(url, timeout=2)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not answer within {timeout:.0f} s")
            await asyncio.sleep(0.25)


# -- the real assistant behind the gateway -------------------------------------------------
@pytest.fixture(scope="module")
def stack():
    with Stack() as running:
        yield running


@pytest.fixture
async def live(stack):
    """The stack, every server alive and answering (a test before may have killed or stopped one)."""
    for process in (stack.rasa_process, stack.action_process):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGCONT)
    deadline = time.monotonic() + 60
    while not stack.running():
        stack.restart_dead()
        assert time.monotonic() < deadline, "the stack did not come back"
        await asyncio.sleep(0.5)
    await answers_http(stack.rasa_url + "/", 60)
    await answers_http(f"http://127.0.0.1:{stack.action_port}/health", 60)
    return stack


def kill_rasa(stack: Stack) -> None:
    if stack.rasa_process.poll() is None:
        os.killpg(stack.rasa_process.pid, signal.SIGKILL)
        stack.rasa_process.wait(timeout=10)


async def test_rasa_hung_the_emergency_gets_the_numbers_after_5_seconds_and_rasa_answers_after_sigcont(
        live, start, telegram):
    await start(rasa_url=live.rasa_url)
    reply, _ = await ask(telegram, ANNA, HELP_NB, "nb")
    assert_rasa_emergency(reply, "nb")

    os.killpg(live.rasa_process.pid, signal.SIGSTOP)
    try:
        reply, seconds = await ask(telegram, BO, HELP_EN, "en", timeout=10)
        assert_fallback(reply, "en")
        assert 4.5 < seconds < 7.5, f"the fallback after Rasa's 5-second limit, not {seconds:.1f} s"
        reply, seconds = await ask(telegram, ANNA, HELP_NB, "nb", timeout=10)
        assert_fallback(reply, "nb")
        assert seconds < 6.5
    finally:
        os.killpg(live.rasa_process.pid, signal.SIGCONT)

    reply, seconds = await ask(telegram, ANNA, HELP_NB, "nb", timeout=10)
    assert_rasa_emergency(reply, "nb")
    assert seconds < 3, "Rasa answers normally again"
    reply, _ = await ask(telegram, BO, HELP_EN, "en")
    assert_rasa_emergency(reply, "en")


async def test_rasa_killed_the_emergency_gets_the_numbers_at_once(live, start, telegram):
    await start(rasa_url=live.rasa_url)
    reply, _ = await ask(telegram, ANNA, "hei", "nb")  # a pooled connection to Rasa exists when it dies
    assert "112" in reply and reply != fallback("nb")

    # killed in the middle of a turn: held by SIGSTOP until the message is at Rasa, then SIGKILL
    os.killpg(live.rasa_process.pid, signal.SIGSTOP)
    telegram.say(BO, HELP_EN, language_code="en")
    await wait_until(lambda: any(int(p["chat_id"]) == BO for p in telegram.called("sendChatAction")),
                     what="the turn to be waiting for Rasa")
    await asyncio.sleep(0.5)
    killed_at = time.monotonic()
    kill_rasa(live)
    assert_fallback(await next_text(telegram, BO, 1, timeout=6), "en")
    assert time.monotonic() - killed_at < 2, "at once when Rasa dies mid-turn, not after its 5-second limit"

    # and after it died
    for chat_id, text, language in ((ANNA, HELP_NB, "nb"), (BO, HELP_EN, "en")):
        reply, seconds = await ask(telegram, chat_id, text, language, timeout=5)
        assert_fallback(reply, language)
        assert seconds < 2, f"no waiting for a dead Rasa: {seconds:.1f} s"
    # Rasa stays dead here; the next test (or the `live` fixture) starts it again.


async def test_rasa_restarted_fallback_meanwhile_then_its_own_emergency_answer(stack, start, telegram):
    await start(rasa_url=stack.rasa_url)
    kill_rasa(stack)  # already dead after the test before; killed here when run alone
    restarted_at = time.monotonic()
    assert stack.restart_dead() == ["rasa"]

    reply, seconds = await ask(telegram, ANNA, HELP_NB, "nb", timeout=10)
    assert_fallback(reply, "nb")  # Rasa is still loading its model
    assert seconds < 6.5

    await answers_http(stack.rasa_url + "/", 60)
    assert time.monotonic() - restarted_at < 60
    reply, seconds = await ask(telegram, ANNA, HELP_NB, "nb", timeout=10)
    assert_rasa_emergency(reply, "nb")
    reply, _ = await ask(telegram, BO, HELP_EN, "en", timeout=10)
    assert_rasa_emergency(reply, "en")


# -- the gateway as its own process --------------------------------------------------------
class HoldingRasa(LocalServer):
    """A proxy in front of the real Rasa that holds chosen messages for a while, so they are in flight on demand."""

    def __init__(self, upstream: str) -> None:
        super().__init__()
        self.upstream = upstream
        self.hold: dict[str, float] = {}  # message text -> seconds to hold it before passing it on
        self.requests: list[str] = []
        self.released = asyncio.Event()
        self.session: aiohttp.ClientSession | None = None
        self.app.router.add_post("/webhooks/rest/webhook", self._handle)
        self.app.router.add_get("/", self._hello)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.session = aiohttp.ClientSession()
        await super().start()

    async def stop(self) -> None:
        self.released.set()
        await super().stop()
        await self.session.close()

    async def _hello(self, request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: holding proxy")

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body["message"])
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.released.wait(), self.hold.get(body["message"], 0))
        if self.released.is_set():  # the proxy is stopping
            return web.Response(status=503)
        async with self.session.post(f"{self.upstream}/webhooks/rest/webhook", json=body) as response:
            return web.Response(status=response.status, body=await response.read(), content_type="application/json")


@pytest.fixture
async def holding(live):
    proxy = HoldingRasa(live.rasa_url)
    await proxy.start()
    yield proxy
    await proxy.stop()


@dataclass
class Child:
    """A ``veiviser`` command running as a subprocess, its stderr read as it comes."""

    process: asyncio.subprocess.Process
    stderr: asyncio.Task
    servers: set[int] = field(default_factory=set)  # process groups it started (veiviser run)

    async def output(self) -> str:
        return (await self.stderr).decode("utf-8", errors="replace")


@pytest.fixture
async def launch(telegram):
    """launch(command, **environment) -> a running ``veiviser <command>``, polling the fake Telegram."""
    children: list[Child] = []

    async def _launch(command: str, **extra: str) -> Child:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("TELEGRAM_", "RASA_URL", "VEIVISER_ENV", "VEIVISER_SECRET",
                                      "VEIVISER_AUTO_ERASE"))}
        env.update(TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_BASE_URL=telegram.base_url,
                   VEIVISER_SECRET=SECRET, **extra)
        polled = len(telegram.called("getUpdates"))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", command, cwd=paths.ROOT, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        child = Child(process, asyncio.create_task(process.stderr.read()))
        children.append(child)
        await wait_until(lambda: len(telegram.called("getUpdates")) > polled or process.returncode is not None,
                         timeout=120, what=f"veiviser {command} to poll")
        assert process.returncode is None, await child.output()
        return child

    yield _launch
    for child in children:  # whatever a test left running
        if child.process.returncode is None:
            child.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(child.process.wait(), timeout=30)
            except asyncio.TimeoutError:
                child.process.kill()
                await child.process.wait()
        for group in child.servers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        child.stderr.cancel()


async def stop(child: Child, timeout: float = 30) -> tuple[int, float, str]:
    """SIGTERM; the exit status, the seconds it took to exit, and what it wrote on stderr."""
    started = time.monotonic()
    child.process.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(child.process.wait(), timeout)
    return code, time.monotonic() - started, await child.output()


async def test_gateway_sigterm_answers_every_message_in_flight_before_it_exits(holding, launch, telegram):
    gateway = await launch("telegram", RASA_URL=holding.url)
    holding.hold = {HELP_NB: 2, SLEEP_IN_OSLO: 2, HELP_EN: 30}  # the last one outlasts Rasa's 5-second limit
    telegram.say(ANNA, HELP_NB, language_code="nb")
    telegram.say(BO, HELP_EN, language_code="en")
    telegram.say(CARL, SLEEP_IN_OSLO, language_code="nb")
    queued = telegram.new_message(ANNA, "nb", text=LOCKED_IN)["update_id"]  # waits for ANNA's first turn
    await wait_until(lambda: len(holding.requests) == 3, what="three messages in flight at Rasa")
    await wait_until(lambda: any(int(p.get("offset") or 0) > queued for p in telegram.called("getUpdates")),
                     what="the fourth message fetched (Telegram will not send it again)")
    assert not telegram.called("sendMessage"), "nothing answered yet: all four are in flight"

    code, seconds, output = await stop(gateway)
    assert code == 0, output
    assert seconds < 8, "the stop waits for the answers in flight (at most Rasa's 5-second limit), no longer"
    assert "Telegram gateway stopped" in output
    assert len(telegram.texts(ANNA)) == 2, "both of ANNA's messages, one after the other"
    assert_rasa_emergency(telegram.texts(ANNA)[0], "nb")
    assert_rasa_emergency(telegram.texts(ANNA)[1], "nb")
    assert_fallback(telegram.texts(BO)[0], "en")
    assert "Oslo" in telegram.texts(CARL)[0] and telegram.texts(CARL)[0] != fallback("nb")
    assert_private(output)


async def test_gateway_sigkill_then_restarted_answers_the_next_emergency(holding, launch, telegram):
    gateway = await launch("telegram", RASA_URL=holding.url)
    holding.hold = {"hei": 30}
    telegram.say(ANNA, "hei", language_code="nb")
    await wait_until(lambda: holding.requests == ["hei"], what="a message in flight at Rasa")
    gateway.process.kill()
    assert await asyncio.wait_for(gateway.process.wait(), 10) == -signal.SIGKILL

    # A message in flight at SIGKILL can be lost (the reliability audit): python-telegram-bot confirms
    # an update to Telegram (the getUpdates offset) when it fetches the next batch, long before the
    # handler has answered it, so Telegram does not deliver it again to the restarted gateway.
    # Only SIGTERM (the test above) waits for the answers in flight.
    await launch("telegram", RASA_URL=holding.url)
    reply, seconds = await ask(telegram, BO, HELP_EN, "en")
    assert_rasa_emergency(reply, "en")
    reply, _ = await ask(telegram, CARL, HELP_NB, "nb")
    assert_rasa_emergency(reply, "nb")


# -- `veiviser run`: the supervisor starts dead servers again --------------------------------
def _children(pid: int) -> dict[str, tuple[int, int]]:
    """The servers ``veiviser run`` started: name -> (pid, port), from the children's command lines."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            args = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) != pid or fields[0] == "Z" or "--port" not in args:
            continue
        name = "actions" if "bot.action_server" in args else "rasa" if "bot.serve" in args else None
        if name:
            found[name] = (int(proc.name), int(args[args.index("--port") + 1]))
    return found


async def veiviser_run(launch) -> tuple[Child, dict[str, tuple[int, int]]]:
    if not paths.MODEL.exists():
        pytest.fail(f"{paths.MODEL} is missing: run `make train`")
    child = await launch("run")
    servers = await wait_until(lambda: len(_children(child.process.pid)) == 2 and _children(child.process.pid),
                               timeout=10, what="the action server and Rasa")
    child.servers.update(pid for pid, _ in servers.values())
    return child, servers


async def restarted(child: Child, name: str, old_pid: int, timeout: float) -> tuple[int, int]:
    """The server ``name`` that ``veiviser run`` started again in place of ``old_pid``, once it answers."""
    def new():
        found = _children(child.process.pid).get(name)
        return found if found and found[0] != old_pid else None

    pid, port = await wait_until(new, timeout, f"the {name} server started again")
    child.servers.add(pid)
    await answers_http(f"http://127.0.0.1:{port}/" + ("health" if name == "actions" else ""), timeout)
    return pid, port


async def test_veiviser_run_survives_a_dead_action_server_and_starts_it_again(launch, telegram):
    run, servers = await veiviser_run(launch)
    assert "•" in await answer_of(telegram, CARL, SLEEP_IN_OSLO, "nb"), "places to sleep in Oslo"

    pid, port = servers["actions"]
    killed_at = time.monotonic()
    os.killpg(pid, signal.SIGKILL)
    reply, seconds = await ask(telegram, ANNA, HELP_NB, "nb")
    assert_rasa_emergency(reply, "nb")  # the emergency answer needs only Rasa
    assert seconds < 3

    assert await restarted(run, "actions", pid, 30) and time.monotonic() - killed_at < 30
    assert run.process.returncode is None, "veiviser run keeps running"
    assert "•" in await answer_of(telegram, BO, SLEEP_IN_OSLO, "nb"), "the directory answers again"

    code, _, output = await stop(run, 60)
    assert code == 0, output
    assert "the actions server stopped (exit status -9); starting it again" in output
    assert not [pid for pid in run.servers if alive(pid)], "the servers started again are stopped too"
    assert_private(output)


async def test_veiviser_run_survives_a_dead_rasa_and_starts_it_again(launch, telegram):
    run, servers = await veiviser_run(launch)
    pid, _ = servers["rasa"]
    killed_at = time.monotonic()
    os.killpg(pid, signal.SIGKILL)
    reply, seconds = await ask(telegram, ANNA, HELP_NB, "nb", timeout=10)
    assert_fallback(reply, "nb")
    assert seconds < 6.5  # at once while Rasa is dead; at most Rasa's limit while the new one loads

    await restarted(run, "rasa", pid, 45)
    assert time.monotonic() - killed_at < 45
    assert run.process.returncode is None, "veiviser run keeps running"
    reply, _ = await ask(telegram, BO, HELP_EN, "en", timeout=10)
    assert_rasa_emergency(reply, "en")

    code, _, output = await stop(run, 60)
    assert code == 0, output
    assert "the rasa server stopped (exit status -9); starting it again" in output
    assert not [pid for pid in run.servers if alive(pid)], "the servers started again are stopped too"
    assert_private(output)
