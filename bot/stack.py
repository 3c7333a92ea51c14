"""Start the action server and Rasa on free ports of 127.0.0.1, and stop them again.

Used by ``veiviser chat``, the end-to-end tests and the benchmark, so all of
them run the assistant exactly the same way. Each process gets its own
process group, so stopping the stack also stops anything it spawned.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from bot import paths
from bot.contract import LANGUAGE_CODE, PAYLOAD_FLAG

READY_TIMEOUT = 180.0
FIRST_RESTART_DELAY = 1.0  # seconds; doubles after each quick failure
MAX_RESTART_DELAY = 30.0
HEALTHY_AFTER = 60.0  # a server that ran this long before it died starts again at once


@dataclass
class Backoff:
    """When a dead server may be started again: at once the first time, then less and less often."""

    delay: float = 0.0
    next_at: float = 0.0
    started_at: float = 0.0

    def due(self, now: float) -> bool:
        return now >= self.next_at

    def restarted(self, now: float) -> None:
        quick = now - self.started_at < HEALTHY_AFTER
        self.delay = min(MAX_RESTART_DELAY, max(FIRST_RESTART_DELAY, self.delay * 2)) if quick else 0.0
        self.started_at = now
        self.next_at = now + self.delay


def endpoints_for(action_url: str, folder: Path, source: Path = paths.ENDPOINTS) -> Path:
    """A copy of endpoints.yml in ``folder`` that calls the action server at ``action_url``."""
    with open(source, encoding="utf-8") as handle:
        endpoints = yaml.safe_load(handle)
    endpoints["action_endpoint"]["url"] = action_url
    target = folder / "endpoints.yml"
    target.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return target


def rasa_arguments(model: Path, endpoints: Path, interface: str, port: int, enable_api: bool = False) -> list[str]:
    """``python -m`` arguments of one Rasa replica (``Stack`` and ``veiviser rasa``)."""
    return ["bot.serve", "run", "--model", str(model), "--endpoints", str(endpoints),
            "--credentials", str(paths.CREDENTIALS), "--interface", interface, "--port", str(port),
            *(["--enable-api"] if enable_api else [])]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def quiet_environment() -> dict:
    """The environment for child processes: no telemetry, no TensorFlow chatter."""
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("PYTHONWARNINGS", "ignore")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


@dataclass
class Stack:
    model: Path = paths.MODEL
    action_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    log_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="veiviser-")))
    with_actions: bool = True
    enable_api: bool = False  # Rasa's HTTP API (trackers), for tests that inspect what Rasa stored
    server: str = "bot.serve"  # "rasa" runs stock Rasa (the benchmark's baseline)
    endpoints: Path = paths.ENDPOINTS
    actions_package: str = "actions"  # the tests' fault injection starts a failing package
    environment: dict = field(default_factory=dict)  # more variables for the servers (e.g. REDIS_URL)
    _processes: list[subprocess.Popen] = field(default_factory=list)
    _by_name: dict[str, subprocess.Popen] = field(default_factory=dict)
    _args: dict[str, list[str]] = field(default_factory=dict)
    _backoff: dict[str, Backoff] = field(default_factory=dict)

    @property
    def action_process(self) -> subprocess.Popen:
        return self._by_name["actions"]

    @property
    def rasa_process(self) -> subprocess.Popen:
        return self._by_name["rasa"]

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def _endpoints(self) -> Path:
        return endpoints_for(f"http://127.0.0.1:{self.action_port}/webhook", self.log_dir, self.endpoints)

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        self._args[name] = args
        with open(self.log_dir / f"{name}.log", "ab") as log:  # the child keeps its own copy
            process = subprocess.Popen(
                [sys.executable, "-m", *args],
                cwd=paths.ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=quiet_environment() | self.environment,
                start_new_session=True,
            )
        self._processes.append(process)
        self._by_name[name] = process
        return process

    def start(self, timeout: float = READY_TIMEOUT) -> Stack:
        if not self.model.exists():
            raise FileNotFoundError(f"{self.model}: no trained model (run `make train`)")
        if self.with_actions:
            self._spawn("actions", ["bot.action_server", "--port", str(self.action_port),
                                     "--actions", self.actions_package])
        arguments = rasa_arguments(self.model, self._endpoints(), "127.0.0.1", self.rasa_port, self.enable_api)
        self._spawn("rasa", [self.server, *arguments[1:]])
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        probes = [self.rasa_url + "/"]
        if self.with_actions:
            probes.append(f"http://127.0.0.1:{self.action_port}/health")
        while time.monotonic() < deadline:
            for process in self._processes:
                if process.poll() is not None:
                    raise RuntimeError(f"a server stopped while starting; see the logs in {self.log_dir}")
            try:
                if all(httpx.get(url, timeout=2).status_code == 200 for url in probes):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"the assistant was not ready after {timeout:.0f} s; see the logs in {self.log_dir}")

    def running(self) -> bool:
        """True while every server of the stack is alive."""
        return bool(self._processes) and all(process.poll() is None for process in self._processes)

    def restart_dead(self, now: float | None = None) -> list[str]:
        """Start again each server that has exited (``veiviser run`` asks every second); returns their names.

        Emergencies must get through: the emergency answer needs only Rasa, and
        while Rasa is down the gateway answers with the emergency numbers, so
        the service stays up and each dead server comes back, with a growing
        pause between quick failures (1, 2, 4 … 30 s) so a server that cannot
        start does not take the machine with it.
        """
        now = time.monotonic() if now is None else now
        restarted = []
        for name, process in list(self._by_name.items()):
            if process.poll() is None:
                continue
            backoff = self._backoff.setdefault(name, Backoff(started_at=now - HEALTHY_AFTER))
            if not backoff.due(now):
                continue
            print(f"veiviser: the {name} server stopped (exit status {process.returncode}); starting it again.",
                  file=sys.stderr)
            self._processes.remove(process)
            self._spawn(name, self._args[name])
            backoff.restarted(now)
            restarted.append(name)
        return restarted

    def stop(self) -> None:
        stop_groups(self._processes)
        self._processes.clear()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def stop_groups(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each process group, then wait for all (SIGKILL after 15 s)."""
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def send(client: httpx.Client, webhook: str, sender: str, text: str, language_code: str | None = None,
         payload: bool = False) -> list:
    """One message over Rasa's REST channel; returns the bot's messages.

    ``payload``: the text is a button's payload (the assistant's own), not typed words.
    """
    metadata: dict = {LANGUAGE_CODE: language_code} if language_code else {}
    if payload:
        metadata[PAYLOAD_FLAG] = True
    body = {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
    response = client.post(webhook, json=body, timeout=30)
    response.raise_for_status()
    return response.json()
