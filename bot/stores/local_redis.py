"""A throw-away ``redis-server`` on a free port of 127.0.0.1, for the tests and the benchmark.

It runs with the production privacy settings (no RDB snapshots, no AOF: it
never writes a conversation to disk) and stops with the block. Debian's
``redis-server`` package provides the binary (``make setup`` installs it
where it can).
"""
from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass, field

from redis import Redis

from bot.stack import free_port

MISSING = ("redis-server is not on PATH. Install it (Debian/Ubuntu: `apt-get install redis-server`; "
           "macOS: `brew install redis`), or run `make setup` as root, which installs it.")


@dataclass
class LocalRedis:
    port: int = field(default_factory=free_port)
    _process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> LocalRedis:
        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError(MISSING)
        self._process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--protected-mode", "yes", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        client = Redis.from_url(self.url, socket_timeout=1)
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.ping()
                return self
            except Exception:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)
            finally:
                client.close()

    def client(self) -> Redis:
        return Redis.from_url(self.url, socket_timeout=2)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def __enter__(self) -> LocalRedis:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
