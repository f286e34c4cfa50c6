"""Reminders on the person's phone, through the local Bot API server: the card with its
three buttons, "J'y serai" recorded, the .ics file received and readable, a 429 storm
waited out with every reminder sent once.

The services' clock is moved (the reminders fall due); the Bot API traffic is real.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from pydantic import SecretStr

from bot import appointments, linking
from bot.appointments import Details
from bot.clock import MovableClock
from bot.flags import list_flags
from bot.release import release
from bot.reminders.worker import ReminderWorker
from bot.services import Services
from bot.telegram.pacer import Pacer
from bot.telegram.runner import TelegramChannel
from storage.appointments import Actor
from storage.enums import AppointmentStatus, Channel, Direction, FlagReason, Origin
from storage.persons import attach_identity, create_person
from storage.transcript import recent_transcript
from tests.conftest import ServicesFactory
from tests.telegram.botapi import BotAPI
from tests.telegram.conftest import DEMO_PERSON_ID, FAST_CHAT_INTERVAL, TOKEN
from tests.telegram.phone import Phone

PARIS = ZoneInfo("Europe/Paris")


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


@pytest.fixture
def services(make_services: ServicesFactory, botapi: BotAPI) -> Services:
    """Telegram on, and the movable clock of the `clock` fixture (Monday 2 March 2026,
    9:00 in Paris): reminders fall due when the test moves it."""
    return make_services(telegram_token=SecretStr(TOKEN), telegram_api_url=botapi.url)


@pytest.fixture
async def channel(services: Services) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(
        services,
        pacer=Pacer(per_chat_interval=FAST_CHAT_INTERVAL),
        polling_timeout=1,
        outbox_poll_interval=0.05,
    )
    task = asyncio.create_task(channel.run())
    yield channel
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def move_to(clock: MovableClock, text: str) -> None:
    clock.advance(paris(text) - clock.now())


async def fire(services: Services, channel: TelegramChannel) -> int:
    done = await asyncio.to_thread(ReminderWorker(services).run_due)
    channel.sender.wake()
    return done.sent


async def test_a_reminder_is_confirmed_on_the_phone_and_its_calendar_file_reads_back(
    services: Services, clock: MovableClock, botapi: BotAPI, phone: Phone, channel: TelegramChannel
) -> None:
    phone.start(linking.issue(services, DEMO_PERSON_ID).code)
    await phone.wait_replies(1)
    made = await asyncio.to_thread(
        appointments.add,
        services,
        DEMO_PERSON_ID,
        "spip",
        paris("2026-03-05 14:30"),
        Details(place="SPIP de Ville-Exemple", bring="La convocation"),
        by="cpip.demo",
    )
    notice = (await phone.wait_replies(2))[-1]
    assert notice.startswith("Nouveau rendez-vous : Convocation au SPIP\nDans 3 jours\n")

    move_to(clock, "2026-03-04 18:00")
    assert await fire(services, channel) == 1
    reminder = (await phone.wait_replies(3))[-1]
    assert reminder.splitlines() == [
        "Rappel : Convocation au SPIP",
        "Demain à 14 h 30",
        "jeudi 5 mars à 14 h 30",
        "Où : SPIP de Ville-Exemple",
        "À apporter : La convocation",
    ]
    assert phone.buttons() == ["J'y serai", "Je ne peux pas venir", "Ajouter à mon agenda"]

    phone.press("J'y serai")
    answer = (await phone.wait_replies(4))[-1]
    assert answer.startswith("Merci de l'avoir dit : je note que vous y serez.")
    view = await asyncio.to_thread(appointments.get, services, made.id)
    assert view.status == AppointmentStatus.CONFIRMED
    assert (view.changes[-1].actor_kind, view.changes[-1].actor_id) == ("person", "1")

    phone.press("Ajouter à mon agenda")
    await botapi.wait_for(lambda: bool(botapi.documents), what="the .ics file")
    [document] = botapi.documents
    assert (document.chat_id, document.filename) == (phone.user_id, "rendez-vous-2026-03-05.ics")
    assert document.caption.startswith("Ouvrez ce fichier")
    [event] = Calendar.from_ical(document.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Convocation au SPIP"
    assert str(event["LOCATION"]) == "SPIP de Ville-Exemple"
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTSTART") == paris("2026-03-05 14:30")
    assert str(event["UID"]) == f"appointment-{made.id}@fil-rouge"

    def recorded() -> list[str]:
        with services.read() as tx:
            entries = recent_transcript(tx.session, DEMO_PERSON_ID, limit=100)
        return [e.text for e in entries if e.direction == Direction.OUT and e.text]

    await botapi.wait_for(lambda: recorded()[-1] == document.caption, what="recorded")
    assert len(botapi.called("sendDocument")) == 1


async def test_a_429_storm_is_waited_out_and_every_reminder_goes_once(
    services: Services, clock: MovableClock, botapi: BotAPI, channel: TelegramChannel
) -> None:
    chats = list(range(7001, 7009))
    with services.write() as tx:
        for number, chat in enumerate(chats):
            person = create_person(tx.session, 1, f"STORM{number}", "Démo", "Orage", "fr", "x")
            assert person.id is not None
            attach_identity(tx.session, person.id, Channel.TELEGRAM, str(chat), now=tx.now)
            appointments.add_in(
                services,
                tx,
                person,
                "health",
                paris("2026-03-06 10:00"),
                Details(),
                origin=Origin.IMPORT,
                actor=Actor("system"),
            )
    move_to(clock, "2026-03-04 10:00")
    botapi.fail("sendMessage", 429, times=5, retry_after=1, description="Too Many Requests")

    assert await fire(services, channel) == len(chats)

    def reminded() -> list[int]:
        return [
            int(m["chat_id"])
            for m in botapi.sent()
            if str(m["text"]).startswith("Rappel : Rendez-vous de santé")
        ]

    await botapi.wait_for(lambda: len(reminded()) >= len(chats), within=30, what="reminders")
    await channel.sender.settled()
    assert sorted(reminded()) == chats  # each chat once: none lost, none twice
    refused = [c for c in botapi.called("sendMessage") if c.status == 429]
    assert len(refused) == 5
    for no in refused:  # each refused message went again after retry_after, not before
        chat = int(no.params["chat_id"])
        [went] = [
            c
            for c in botapi.called("sendMessage")
            if c.status == 200 and int(c.params["chat_id"]) == chat
        ]
        assert went.at - no.at >= 1.0
    assert await fire(services, channel) == 0


async def test_a_person_who_links_a_phone_later_gets_what_is_still_to_come(
    services: Services, clock: MovableClock, botapi: BotAPI, phone: Phone, channel: TelegramChannel
) -> None:
    await asyncio.to_thread(release, services, DEMO_PERSON_ID)
    made = await asyncio.to_thread(
        appointments.add,
        services,
        DEMO_PERSON_ID,
        "jap",
        paris("2026-03-06 09:00"),
        Details(place="Tribunal"),
        by="cpip.demo",
    )
    move_to(clock, "2026-03-05 18:00")
    assert await fire(services, channel) == 1  # J-1 at the kiosk: the person is not reachable
    [flag] = list_flags(services, open_only=True)
    assert flag.reason == FlagReason.UNREACHABLE

    phone.start(linking.issue(services, DEMO_PERSON_ID).code)
    texts = await phone.wait_replies(2)
    assert texts[0].startswith("Bonjour Démo. Votre téléphone est relié.")
    assert texts[1].splitlines()[:2] == [
        "Rappel : Convocation chez le juge (JAP)",
        "Demain à 9 h 00",
    ]
    assert phone.buttons()[:2] == ["J'y serai", "Je ne peux pas venir"]
    assert (await asyncio.to_thread(appointments.get, services, made.id)).status == "planned"
