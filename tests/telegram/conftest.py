"""Fixtures of the Telegram specifications: a local Bot API server and the bot polling it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest
from pydantic import SecretStr

from bot.services import Services
from tests.conftest import ServicesFactory
from tests.telegram.botapi import BotAPI
from tests.telegram.phone import Phone

if TYPE_CHECKING:
    from bot.telegram.runner import TelegramChannel

TOKEN = "123456:TEST-TOKEN"
DEMO_PERSON_ID = 1  # Démo A (DEMO01), French
# Telegram allows about one message a second per chat; the tests wait less.
FAST_CHAT_INTERVAL = 0.01
SHORT_WAIT = 0.1
"""Waits up to this are slept for real (pacing); longer ones are recorded, not waited."""


@pytest.fixture
def tg_services(make_services: ServicesFactory, botapi: BotAPI) -> Services:
    """Services with Telegram on, pointed at the local Bot API server (real clock:
    the outbox's retries are due in real seconds)."""
    return make_services(
        real_clock=True, telegram_token=SecretStr(TOKEN), telegram_api_url=botapi.url
    )


class Sleeps:
    """The sender's and the gate's waits, recorded: a wait Telegram asked for (or a
    backoff) is checked, not waited out. Waits too short to matter (pacing) are real."""

    def __init__(self) -> None:
        self.asked: list[float] = []
        self._skipped = 0.0

    async def __call__(self, seconds: float) -> None:
        if seconds > SHORT_WAIT:
            self.asked.append(seconds)
            self._skipped += seconds  # the clock below moves as if the wait happened
            await asyncio.sleep(0)
        else:
            await asyncio.sleep(seconds)

    def monotonic(self) -> float:
        return time.monotonic() + self._skipped


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def telegram(
    tg_services: Services, botapi: BotAPI, sleeps: Sleeps
) -> AsyncIterator[TelegramChannel]:
    """The bot polling the local server and sending its outbox, in the test's loop."""
    from bot.telegram.pacer import Pacer
    from bot.telegram.runner import TelegramChannel

    channel = TelegramChannel(
        tg_services,
        pacer=Pacer(per_chat_interval=FAST_CHAT_INTERVAL, monotonic=sleeps.monotonic),
        polling_timeout=1,
        outbox_poll_interval=0.05,
        sleep=sleeps,
        monotonic=sleeps.monotonic,
    )
    task = asyncio.create_task(channel.run())
    yield channel
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@pytest.fixture
def phone(botapi: BotAPI) -> Phone:
    return Phone(botapi, user_id=5001, first_name="Démo")


async def drained(channel: TelegramChannel, botapi: BotAPI) -> None:
    """Wait until every update the bot fetched is handled, and what it queued sent and
    recorded: what a test waits for before saying that something did NOT happen."""
    await botapi.wait_for(
        lambda: channel.handled >= len(botapi.handed_out), what="every update handled"
    )
    await channel.settled()
