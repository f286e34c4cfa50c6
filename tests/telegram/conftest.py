"""Fixtures of the Telegram specifications: a local Bot API server and the bot polling it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bot.services import Services
from tests.conftest import ServicesFactory
from tests.telegram.botapi import BotAPI
from tests.telegram.phone import Phone

TOKEN = "123456:TEST-TOKEN"
DEMO_PERSON_ID = 1  # Démo A (DEMO01), French
# Telegram allows about one message a second per chat; the tests wait less.
FAST_CHAT_INTERVAL = 0.01


@pytest.fixture
def tg_services(make_services: ServicesFactory, botapi: BotAPI) -> Services:
    """Services with Telegram on, pointed at the local Bot API server (real clock:
    the outbox's retries are due in real seconds)."""
    return make_services(
        real_clock=True, telegram_token=SecretStr(TOKEN), telegram_api_url=botapi.url
    )


@pytest.fixture
async def telegram(tg_services: Services, botapi: BotAPI) -> AsyncIterator[object]:
    """The bot polling the local server and sending its outbox, in the test's loop."""
    from bot.telegram.pacer import Pacer
    from bot.telegram.runner import TelegramChannel

    channel = TelegramChannel(
        tg_services,
        pacer=Pacer(per_chat_interval=FAST_CHAT_INTERVAL),
        polling_timeout=1,
        outbox_poll_interval=0.05,
    )
    task = asyncio.create_task(channel.run())
    yield channel
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@pytest.fixture
def phone(botapi: BotAPI) -> Phone:
    return Phone(botapi, user_id=5001, first_name="Démo")
