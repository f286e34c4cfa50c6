"""The outbox sender against a Bot API that refuses: 429, 500, 403. Nothing lost, nothing twice."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot import linking
from bot.services import Services
from storage.database import read_session
from storage.enums import Channel, Direction
from storage.models import Outbox, Person
from storage.transcript import recent_transcript
from tests.telegram.botapi import BotAPI
from tests.telegram.conftest import DEMO_PERSON_ID, Sleeps
from tests.telegram.phone import Phone

pytestmark = pytest.mark.usefixtures("telegram")


async def link(services: Services, phone: Phone) -> None:
    phone.start(linking.issue(services, DEMO_PERSON_ID).code)
    await phone.wait_replies(1)
    # Recorded once Telegram accepted it, just after the Bot API answered.
    await phone.api.wait_for(lambda: len(telegram_out(services)) == 1, what="the greeting recorded")


def outbox(services: Services) -> list[Outbox]:
    with read_session(services.engine) as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).all())  # type: ignore[arg-type]


def telegram_out(services: Services) -> list[str]:
    with read_session(services.engine) as session:
        entries = recent_transcript(session, DEMO_PERSON_ID, limit=1000)
    return [
        e.text for e in entries if e.channel == Channel.TELEGRAM and e.direction == Direction.OUT
    ]


async def test_a_429_storm_is_waited_out_and_every_message_goes_once_in_order(
    tg_services: Services, botapi: BotAPI, phone: Phone, sleeps: Sleeps
) -> None:
    await link(tg_services, phone)
    botapi.fail("sendMessage", 429, times=3, retry_after=7, description="Too Many Requests")
    for number in range(4):
        phone.send(f"bof {number}")
    texts = await phone.wait_replies(5, within=20)

    refused = [c for c in botapi.called("sendMessage") if c.status == 429]
    assert len(refused) == 3
    assert [round(s) for s in sleeps.asked].count(7) >= 3  # retry_after honoured, each time
    assert len(texts) == len(set(zip(texts, range(len(texts)), strict=False))) == 5
    await botapi.wait_for(lambda: all(r.sent_at for r in outbox(tg_services)), what="all sent")
    rows = outbox(tg_services)
    assert [r.telegram_message_id for r in rows] == sorted(r.telegram_message_id or 0 for r in rows)
    assert telegram_out(tg_services) == texts  # recorded once each, in the order sent


async def test_429_keeps_the_order_of_one_chat(
    tg_services: Services, botapi: BotAPI, phone: Phone
) -> None:
    await link(tg_services, phone)
    botapi.fail("sendMessage", 429, times=1, retry_after=1)
    phone.send("menu")
    phone.send("bof")
    texts = await phone.wait_replies(3, within=20)
    assert texts[1].startswith("Que voulez-vous préparer ?")
    assert texts[2].startswith("Je n'ai pas compris")


async def test_a_server_error_is_retried_with_backoff_until_it_goes(
    tg_services: Services, botapi: BotAPI, phone: Phone, sleeps: Sleeps
) -> None:
    await link(tg_services, phone)
    botapi.fail("sendMessage", 500, times=2)
    phone.send("bof")
    texts = await phone.wait_replies(2, within=20)
    assert texts[-1].startswith("Je n'ai pas compris")
    calls = botapi.called("sendMessage")[-3:]
    assert [c.status for c in calls] == [500, 500, 200]
    assert sleeps.asked == [1.0, 2.0]  # backoff: 1 s, then 2 s
    # Telegram accepted it; the sender records that just after: wait for the record.
    await botapi.wait_for(lambda: all(r.sent_at for r in outbox(tg_services)), what="all sent")
    [row] = [r for r in outbox(tg_services) if r.payload["text"] == texts[-1]]
    assert row.attempts == 3
    assert row.last_error is not None
    assert "500" in row.last_error


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(
    tg_services: Services, botapi: BotAPI, phone: Phone
) -> None:
    await link(tg_services, phone)
    botapi.fail("sendMessage", 403, description="Forbidden: bot was blocked by the user")
    phone.send("bof")
    await botapi.wait_for(
        lambda: any(r.failed_at for r in outbox(tg_services)), what="a failed row"
    )
    [failed] = [r for r in outbox(tg_services) if r.failed_at]
    assert failed.last_error is not None
    assert "403" in failed.last_error
    with read_session(tg_services.engine) as session:
        person = session.get(Person, DEMO_PERSON_ID)
        assert person is not None
        assert person.unreachable_at is not None
    assert len(phone.replies()) == 1  # the greeting only
    assert failed.payload["text"] not in telegram_out(tg_services)
