"""Exactly once: every due reminder gives its person one message, whatever stops the worker.

* `filrouge worker` killed with SIGKILL in the middle of its work, then started
  again: each reminder's message is written once (SQLite and PostgreSQL);
* two workers at once on the same database: nothing twice, nothing left.

The worker of the first test is a real process on the system clock: the
reminders are made due just now, in a time zone where it is the afternoon (the
policy waits for 08:00 at night, and the test must not depend on the hour it
runs at).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from bot.app import compose
from bot.clock import MovableClock
from bot.reminders.worker import ReminderWorker
from bot.services import Services, open_engine
from storage.appointments import Actor, Details, create_appointment
from storage.database import make_engine, read_session, write_transaction
from storage.enums import Channel, Direction, Origin, ReminderOutcome
from storage.models import Outbox, Reminder, TranscriptEntry
from storage.persons import attach_identity, create_facility, create_person
from storage.reminders import Planned, plan
from storage.rows import id_of
from tests.services import TEST_KEY, make_settings

PERSONS = 300
PER_PERSON = 4
KILL_AFTER = 250
"""Reminders ended before the worker is killed: well inside its work."""
WITHIN = 180.0


def afternoon_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about 14:00 now (Etc/GMT-N is UTC+N)."""
    offset = 14 - now.astimezone(UTC).hour
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def crowd(engine: Engine, now: datetime) -> int:
    """Persons, half of them with a phone, each with appointments whose J-2 reminder
    fell due ten minutes ago; returns how many reminders are due."""
    due = 0
    with write_transaction(engine) as session:
        facility = create_facility(session, "crowd", "InSERRE foule")
        for number in range(PERSONS):
            person = create_person(
                session, id_of(facility), f"P{number:05d}", "Démo", "Foule", "fr", "x"
            )
            if number % 2:
                attach_identity(session, id_of(person), Channel.TELEGRAM, str(900_000 + number))
            for day in range(PER_PERSON):
                made = create_appointment(
                    session,
                    person_id=id_of(person),
                    kind="health",
                    start_at=now + timedelta(days=3 + day),
                    details=Details(place="Cabinet"),
                    origin=Origin.IMPORT,
                    actor=Actor("system"),
                    now=now,
                )
                planned = [Planned("J-2", now - timedelta(minutes=10))]
                plan(
                    session,
                    appointment_id=id_of(made),
                    person_id=id_of(person),
                    planned=planned,
                    now=now,
                )
                due += 1
    return due


def messages_per_appointment(engine: Engine) -> Counter[int]:
    """How many reminder messages were written for each appointment: kiosk entries
    and Telegram outbox rows."""
    counted: Counter[int] = Counter()
    with read_session(engine) as session:
        for entry in session.exec(select(TranscriptEntry)):
            if entry.direction == Direction.OUT and entry.payload.get("output") == "appointment":
                counted[int(entry.payload["id"])] += 1
        for row in session.exec(select(Outbox)):
            outputs: list[dict[str, Any]] = row.entry.get("payload", {}).get("outputs", [])
            for output in outputs:
                if output.get("output") == "appointment":
                    counted[int(output["id"])] += 1
    return counted


def ended(engine: Engine) -> int:
    with read_session(engine) as session:
        return len(session.exec(select(Reminder.id).where(Reminder.done_at.is_not(None))).all())  # type: ignore[union-attr]


def worker(url: str, zone: str, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "FILROUGE_DATABASE_URL": url,
        "FILROUGE_TIMEZONE": zone,
        "FILROUGE_REMINDER_BATCH": "50",
        "FILROUGE_SECRET_KEY": TEST_KEY,  # a server database keeps no key file
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_worker_killed_in_the_middle_then_restarted_writes_each_reminder_once(
    db_url: str,
) -> None:
    now = datetime.now(UTC)
    zone = afternoon_zone(now)
    engine = open_engine(make_settings(db_url))  # the worker's keys: its messages are sealed
    try:
        due = crowd(engine, now)
        first = worker(db_url, zone)
        deadline = time.monotonic() + WITHIN
        try:
            while ended(engine) < KILL_AFTER:
                assert first.poll() is None, first.communicate()[0]
                assert time.monotonic() < deadline, "the worker made no progress"
                time.sleep(0.02)  # polling the database for a fact, not waiting for a time
            first.send_signal(signal.SIGKILL)
        finally:
            if first.poll() is None:
                first.kill()
            first.communicate(timeout=30)
        halfway = ended(engine)
        assert KILL_AFTER <= halfway < due, "killed in the middle of the work"
        assert sum(messages_per_appointment(engine).values()) == halfway

        again = worker(db_url, zone, "--once")
        output, _ = again.communicate(timeout=WITHIN)
        assert again.returncode == 0, output

        counted = messages_per_appointment(engine)
        assert len(counted) == due, "none lost"
        assert set(counted.values()) == {1}, "none twice"
        with read_session(engine) as session:
            outcomes = Counter(r.outcome for r in session.exec(select(Reminder)))
        assert outcomes == {ReminderOutcome.SENT: due}
    finally:
        engine.dispose()


def test_two_workers_at_once_write_nothing_twice(db_url: str) -> None:
    start = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # 14:00 in Paris
    engine = make_engine(db_url)
    try:
        due = crowd(engine, start)
    finally:
        engine.dispose()
    both: list[Services] = []
    for _ in range(2):
        services = compose(make_settings(db_url, reminder_batch=20), clock=MovableClock(start))
        both.append(services)
    sent: list[int] = []
    failures: list[BaseException] = []

    def work(services: Services) -> None:
        try:
            sent.append(ReminderWorker(services).run_due().sent)
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=work, args=(s,)) for s in both]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WITHIN)
    try:
        assert not failures, failures
        assert sum(sent) == due
        if engine.dialect.name == "postgresql":  # SQLite has one writer: one may take all
            assert all(count > 0 for count in sent), f"both workers took part: {sent}"
        counted = messages_per_appointment(both[0].engine)
        assert len(counted) == due
        assert set(counted.values()) == {1}
    finally:
        for services in both:
            services.close()
