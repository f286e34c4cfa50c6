"""The kiosk in Debian's Chromium, driven by Playwright, against a real uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, async_playwright
from pydantic import SecretStr

from bot.services import Services
from tests.conftest import ServicesFactory
from tests.telegram.botapi import BotAPI

CHROMIUM = Path("/usr/lib/chromium/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"

Serve = Callable[[FastAPI], str]


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt install chromium)")
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=ARGS)
        yield browser
        await browser.close()


@pytest.fixture
def results_dir() -> Path:
    """Where screenshots go, to look at the pages (not compared)."""
    RESULTS.mkdir(exist_ok=True)
    return RESULTS


# --- a phone: the bot polling a local Bot API server, for the kiosk-to-phone stories ---


@pytest.fixture
def phone_services(make_services: ServicesFactory, botapi: BotAPI) -> Services:
    return make_services(
        real_clock=True, telegram_token=SecretStr("123456:STORY"), telegram_api_url=botapi.url
    )


@pytest.fixture
async def telegram(phone_services: Services, botapi: BotAPI) -> AsyncIterator[None]:
    from bot.telegram.pacer import Pacer
    from bot.telegram.runner import TelegramChannel

    channel = TelegramChannel(
        phone_services,
        pacer=Pacer(per_chat_interval=0.05),
        polling_timeout=1,
        outbox_poll_interval=0.1,
    )
    task = asyncio.create_task(channel.run())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
