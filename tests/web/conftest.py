"""Fixtures of the web chat's tests: ``veiviser web`` as its own process, a neutral site, headless Chromium.

The browser is Debian's Chromium driven through its chromedriver by Selenium
(``make setup`` installs both); nothing is downloaded at run time. The
browser emulates a 360-px-wide phone.
"""
from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot import paths
from bot.stack import free_port, quiet_environment

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PHONE = {"width": 360, "height": 740, "pixelRatio": 2}
NEUTRAL = b"<!doctype html><title>Weather</title><p id='neutral'>Sunny, 4 degrees.</p>"


@dataclass
class WebChat:
    url: str
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def web_chat(rasa_url: str, exit_url: str, **environment: str):
    """``veiviser web`` against ``rasa_url`` on a free port, until the block ends."""
    port = free_port()
    env = {**quiet_environment(), "RASA_URL": rasa_url, "VEIVISER_WEB_PORT": str(port),
           "VEIVISER_EXIT_URL": exit_url, **environment}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    log = Path(tempfile.mkdtemp(prefix="veiviser-web-")) / "web.log"
    with open(log, "wb") as handle:
        process = subprocess.Popen([sys.executable, "-m", "bot.cli", "web"], cwd=paths.ROOT, env=env,
                                   stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"veiviser web did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield WebChat(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def neutral_site():
    """A neutral page to leave to (VEIVISER_EXIT_URL) and a page to come from, on their own origin."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(NEUTRAL)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def web(e2e_stack, neutral_site):
    """The web chat in front of the real assistant."""
    with web_chat(e2e_stack.rasa_url, f"{neutral_site}/neutral") as running:
        yield running


@pytest.fixture(scope="module")
def web_without_rasa(neutral_site):
    """The web chat with Rasa stopped (nothing listens where it should be)."""
    with web_chat(f"http://127.0.0.1:{free_port()}", f"{neutral_site}/neutral") as running:
        yield running


def chromium(phone: bool = True, accept_language: str = "en"):
    """Headless Chromium under Selenium, with the flags this closed network needs."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (shutil.which("chromium") or os.path.exists(CHROMIUM)) or not os.path.exists(CHROMEDRIVER):
        pytest.fail("Chromium and chromedriver are missing: `make setup` installs them "
                    "(sudo apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="veiviser-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", "--disable-features=Translate",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": accept_language})
    if phone:
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": PHONE})
    else:
        options.add_argument("--window-size=1280,900")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver, profile


@pytest.fixture(scope="module")
def browser():
    driver, profile = chromium()
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)
