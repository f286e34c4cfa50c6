"""Reminder rows: due in order, claimed with their appointment as it is now, ended once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from storage.appointments import Actor, Details, create_appointment, get_appointment, set_status
from storage.database import read_session, write_transaction
from storage.enums import AppointmentStatus, Language, Origin, ReminderOutcome
from storage.reminders import (
    Due,
    Ended,
    Planned,
    cancel_pending,
    claim_due,
    finish,
    plan,
    postpone,
    reminders_of,
)
from storage.rows import id_of

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
START = datetime(2026, 12, 10, 13, 30, tzinfo=UTC)
SYSTEM = Actor("system")


def appointment(engine: Engine, person_id: int, *labels: tuple[str, datetime]) -> int:
    with write_transaction(engine) as session:
        made = create_appointment(
            session,
            person_id=person_id,
            kind="spip",
            start_at=START,
            details=Details(place="SPIP d'Arras"),
            origin=Origin.COUNSELLOR,
            actor=Actor("counsellor", "cpip.demo"),
            now=T0,
        )
        plan(
            session,
            appointment_id=id_of(made),
            person_id=person_id,
            planned=[Planned(label, at) for label, at in labels],
            now=T0,
        )
        return id_of(made)


def claim(engine: Engine, now: datetime, limit: int = 10) -> list[Due]:
    with write_transaction(engine) as session:
        return claim_due(session, now, limit)


def test_due_reminders_come_oldest_first_with_their_appointment_and_person(
    engine: Engine, person_id: int
) -> None:
    appointment_id = appointment(
        engine, person_id, ("H-2", START - timedelta(hours=2)), ("J-7", START - timedelta(days=7))
    )

    assert claim(engine, START - timedelta(days=8)) == []
    [first] = claim(engine, START - timedelta(days=7))
    assert first.label == "J-7"
    assert first.due_at == START - timedelta(days=7)
    assert (first.appointment.id, first.appointment.kind, first.appointment.start_at) == (
        appointment_id,
        "spip",
        START,
    )
    assert first.appointment.place == "SPIP d'Arras"
    assert (first.person.id, first.person.code, first.person.language) == (
        person_id,
        "K7Q4M2",
        Language.AR,
    )
    assert [d.label for d in claim(engine, START, limit=1)] == ["J-7"]  # not ended yet


def test_an_ended_reminder_is_never_claimed_again_nor_ended_twice(
    engine: Engine, person_id: int
) -> None:
    appointment(engine, person_id, ("J-7", START - timedelta(days=7)))
    [due] = claim(engine, START)
    with write_transaction(engine) as session:
        assert finish(session, [Ended(due.id, ReminderOutcome.SENT, "kiosk")], START) == 1
        assert finish(session, [Ended(due.id, ReminderOutcome.DROPPED, "too_late")], START) == 0

    assert claim(engine, START) == []
    with read_session(engine) as session:
        [row] = reminders_of(session, due.appointment.id)
    assert (row.outcome, row.detail, row.done_at) == (ReminderOutcome.SENT, "kiosk", START)


def test_a_postponed_reminder_waits_for_its_new_time(engine: Engine, person_id: int) -> None:
    appointment(engine, person_id, ("J-1", START - timedelta(days=1)))
    [due] = claim(engine, START - timedelta(hours=20))
    morning = START - timedelta(hours=12)
    with write_transaction(engine) as session:
        postpone(session, due.id, morning)

    assert claim(engine, morning - timedelta(minutes=1)) == []
    assert [d.id for d in claim(engine, morning)] == [due.id]


def test_the_claim_sees_the_appointment_as_it_is_now(engine: Engine, person_id: int) -> None:
    appointment_id = appointment(engine, person_id, ("J-7", START - timedelta(days=7)))
    with write_transaction(engine) as session:
        found = get_appointment(session, appointment_id)
        assert found is not None
        set_status(session, found, AppointmentStatus.CANCELLED, actor=SYSTEM, now=T0)

    [due] = claim(engine, START)
    assert due.appointment.status == AppointmentStatus.CANCELLED


def test_cancelling_ends_only_what_is_still_to_send(engine: Engine, person_id: int) -> None:
    appointment_id = appointment(
        engine, person_id, ("J-7", START - timedelta(days=7)), ("H-2", START - timedelta(hours=2))
    )
    [sent] = claim(engine, START - timedelta(days=7))
    with write_transaction(engine) as session:
        finish(session, [Ended(sent.id, ReminderOutcome.SENT, "kiosk")], T0)
        assert cancel_pending(session, appointment_id, T0, "moved") == 1

    with read_session(engine) as session:
        rows = reminders_of(session, appointment_id)
    assert [(r.label, r.outcome, r.detail) for r in rows] == [
        ("J-7", ReminderOutcome.SENT, "kiosk"),
        ("H-2", ReminderOutcome.CANCELLED, "moved"),
    ]
    assert claim(engine, START) == []


@pytest.mark.pg
def test_two_workers_claim_disjoint_reminders_without_waiting(
    engine: Engine, person_id: int
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: a second worker waits its turn")
    for day in range(1, 5):
        appointment(engine, person_id, ("J-2", START - timedelta(days=day, hours=1)))
    held = threading.Event()
    release = threading.Event()
    first: list[Due] = []

    def hold_two() -> None:
        with write_transaction(engine) as session:
            first.extend(claim_due(session, START, 2))
            held.set()
            release.wait(10)

    worker = threading.Thread(target=hold_two)
    worker.start()
    try:
        assert held.wait(10)
        second = claim(engine, START)  # would block without SKIP LOCKED
    finally:
        release.set()
        worker.join(10)
    assert len(first) == 2
    assert len(second) == 2
    assert not {d.id for d in first} & {d.id for d in second}
