"""Pacing: Telegram's limits are kept by default; `FILROUGE_TELEGRAM_PACING=false` lifts them."""

from __future__ import annotations

import asyncio
import contextlib

from pydantic import SecretStr

from bot import linking
from bot.settings import Settings
from bot.telegram.pacer import Pacer, Unpaced
from tests.conftest import ServicesFactory
from tests.telegram.botapi import BotAPI
from tests.telegram.conftest import DEMO_PERSON_ID, TOKEN
from tests.telegram.phone import Phone


def test_pacing_is_on_unless_turned_off() -> None:
    assert Settings().telegram_pacing is True
    assert Settings(telegram_pacing="false").telegram_pacing is False  # type: ignore[arg-type]


async def test_a_paced_chat_waits_a_second_between_messages() -> None:
    pacer = Pacer()
    await pacer.wait(7)
    assert pacer.delay(7) > 0.9
    assert pacer.delay(8) == 0.0  # another chat goes at once


async def test_unpaced_never_waits() -> None:
    pacer = Unpaced()
    for _ in range(100):
        await pacer.wait(7)
    assert pacer.delay(7) == 0.0


async def test_with_pacing_off_a_chat_gets_its_messages_without_the_per_chat_wait(
    make_services: ServicesFactory, botapi: BotAPI, phone: Phone
) -> None:
    from bot.telegram.runner import TelegramChannel

    services = make_services(
        real_clock=True,
        telegram_token=SecretStr(TOKEN),
        telegram_api_url=botapi.url,
        telegram_pacing=False,
    )
    # No pacer passed: the channel follows the setting, as `filrouge serve` builds it.
    channel = TelegramChannel(services, polling_timeout=1, outbox_poll_interval=0.05)
    task = asyncio.create_task(channel.run())
    try:
        phone.start(linking.issue(services, DEMO_PERSON_ID).code)
        await phone.wait_replies(1)
        for number in range(3):
            phone.send(f"bof {number}")
        await phone.wait_replies(4)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    times = [c.at for c in botapi.called("sendMessage") if c.status == 200]
    assert len(times) == 4
    # Paced, the four would take three seconds at least (one a second); unpaced they
    # follow each other at once (a loose bound: the machine may be busy).
    assert times[-1] - times[0] < 2.5
