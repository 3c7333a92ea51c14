"""Fixtures: the fake Telegram Bot API, the fake Rasa, and the real gateway pointed at them."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from fakes import SECRET, FakeRasa, FakeTelegram
from telegram.ext import Application

from bot.telegram.app import serve
from bot.telegram.config import load_config
from bot.telegram.gateway import Gateway


@dataclass
class Running:
    application: Application
    gateway: Gateway
    stop: asyncio.Event
    task: asyncio.Task


@pytest.fixture
async def telegram():
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def rasa():
    fake = FakeRasa()
    await fake.start()
    yield fake
    await fake.stop()


def environment(telegram, rasa_url, **overrides) -> dict:
    env = {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_BASE_URL": telegram.base_url,
           "RASA_URL": rasa_url, "VEIVISER_SECRET": SECRET}
    env.update({key: str(value) for key, value in overrides.items()})
    return env


async def start_gateway(env: dict) -> Running:
    config = load_config(env)
    stop = asyncio.Event()
    started = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(config, stop, started))
    await asyncio.wait({task, started}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()  # raises what went wrong
    application = started.result()
    return Running(application, application.bot_data["gateway"], stop, task)


async def stop_gateway(running: Running) -> None:
    running.stop.set()
    await asyncio.wait_for(running.task, timeout=15)


@pytest.fixture
async def start(telegram, rasa):
    """start(**environment overrides) -> a running gateway; all are stopped after the test."""
    started: list[Running] = []

    async def _start(rasa_url: str | None = None, **overrides) -> Running:
        running = await start_gateway(environment(telegram, rasa_url or rasa.url, **overrides))
        started.append(running)
        return running

    yield _start
    for running in started:
        await stop_gateway(running)


@pytest.fixture
async def gateway(start):
    return await start()
