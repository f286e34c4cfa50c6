"""A person with appointments, services on both backends, a clock the tests move: the
scene of the reminder tests (the `scene` fixture is in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import appointments
from bot.appointments import AppointmentView, Details
from bot.clock import MovableClock
from bot.reminders.worker import ReminderWorker, Round
from bot.services import Services
from storage.enums import Channel, Direction
from storage.outbox import Queued, claim_due, mark_sent
from storage.persons import attach_identity
from storage.transcript import StoredEntry, recent_transcript

PARIS = ZoneInfo("Europe/Paris")
PHONE = 5001


def paris(text: str) -> datetime:
    """An aware moment from a Paris wall time, "2026-12-03 14:30"."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


@dataclass
class Scene:
    """The services, their clock, Démo A (DEMO01) and a worker."""

    services: Services
    clock: MovableClock
    person_id: int
    worker: ReminderWorker

    def at(self, text: str) -> None:
        """Move the clock to a Paris wall time (forward only, as time goes)."""
        moment = paris(text)
        assert moment >= self.clock.now(), "the clock only moves forward"
        self.clock.advance(moment - self.clock.now())

    def add(self, kind: str, start: str, place: str = "", bring: str = "") -> AppointmentView:
        details = Details(place=place, bring=bring)
        return appointments.add(
            self.services, self.person_id, kind, paris(start), details, by="cpip.demo"
        )

    def run(self) -> Round:
        return self.worker.run_due()

    def said(self) -> list[StoredEntry]:
        """What Fil rouge wrote to the person (the kiosk's page), oldest first."""
        with self.services.read() as tx:
            entries = recent_transcript(tx.session, self.person_id, limit=1000)
        return [e for e in entries if e.direction == Direction.OUT]

    def link_phone(self) -> None:
        with self.services.write() as tx:
            attach_identity(tx.session, self.person_id, Channel.TELEGRAM, str(PHONE), now=tx.now)

    def outbox(self) -> list[Queued]:
        """What waited to be sent on Telegram, taken as a sender would (and marked sent:
        no Bot API here; tests/telegram sends for real)."""
        with self.services.write() as tx:
            rows = claim_due(tx.session, tx.now, 1000, lease_until=tx.now)
            mark_sent(tx.session, [(row, row.id) for row in rows], tx.now)
            return rows
