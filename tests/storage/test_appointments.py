"""Appointments keep every change: created, answered, moved, cancelled, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from storage.appointments import (
    Actor,
    Details,
    appointments_of,
    create_appointment,
    get_appointment,
    history_of,
    move_appointment,
    set_status,
    statuses,
)
from storage.database import read_session, write_transaction
from storage.enums import AppointmentStatus, Origin
from storage.errors import NotFound
from storage.models import Appointment
from storage.rows import id_of

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
START = datetime(2026, 12, 10, 13, 30, tzinfo=UTC)
CPIP = Actor("counsellor", "cpip.demo")


def add(engine: Engine, person_id: int, start: datetime = START) -> int:
    with write_transaction(engine) as session:
        appointment = create_appointment(
            session,
            person_id=person_id,
            kind="spip",
            start_at=start,
            details=Details(place="SPIP d'Arras", bring="La convocation"),
            origin=Origin.COUNSELLOR,
            actor=CPIP,
            now=T0,
        )
        return id_of(appointment)


def read(engine: Engine, appointment_id: int) -> Appointment:
    with read_session(engine) as session:
        found = get_appointment(session, appointment_id)
    assert found is not None
    return found


def test_a_new_appointment_is_planned_with_who_entered_it(engine: Engine, person_id: int) -> None:
    appointment = read(engine, add(engine, person_id))

    assert appointment.status == AppointmentStatus.PLANNED
    assert (appointment.kind, appointment.start_at) == ("spip", START)
    assert (appointment.place, appointment.bring) == ("SPIP d'Arras", "La convocation")
    assert (appointment.origin, appointment.created_by) == (Origin.COUNSELLOR, "cpip.demo")
    with read_session(engine) as session:
        [created] = history_of(session, id_of(appointment))
    assert (created.status, created.actor_kind, created.actor_id) == (
        AppointmentStatus.PLANNED,
        "counsellor",
        "cpip.demo",
    )


def test_an_appointment_for_nobody_is_refused(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session, pytest.raises(NotFound):
        create_appointment(
            session,
            person_id=person_id + 999,
            kind="health",
            start_at=START,
            details=Details(),
            origin=Origin.PERSON,
            actor=Actor("person", str(person_id + 999)),
            now=T0,
        )


def test_each_status_change_is_kept_once(engine: Engine, person_id: int) -> None:
    appointment_id = add(engine, person_id)
    person = Actor("person", str(person_id))
    with write_transaction(engine) as session:
        appointment = get_appointment(session, appointment_id, for_update=True)
        assert appointment is not None
        assert set_status(session, appointment, AppointmentStatus.CONFIRMED, actor=person, now=T0)
        assert not set_status(
            session, appointment, AppointmentStatus.CONFIRMED, actor=person, now=T0
        )
        assert set_status(
            session,
            appointment,
            AppointmentStatus.CANNOT_COME,
            actor=person,
            now=T0 + timedelta(hours=1),
            note="malade",
        )

    with read_session(engine) as session:
        changes = [(c.status, c.note) for c in history_of(session, appointment_id)]
        assert statuses(session, [appointment_id, 12345]) == {
            appointment_id: AppointmentStatus.CANNOT_COME
        }
    assert changes == [
        (AppointmentStatus.PLANNED, ""),
        (AppointmentStatus.CONFIRMED, ""),
        (AppointmentStatus.CANNOT_COME, "malade"),
    ]


def test_a_move_plans_it_again_at_the_new_time_and_raises_its_sequence(
    engine: Engine, person_id: int
) -> None:
    appointment_id = add(engine, person_id)
    later = START + timedelta(days=2)
    with write_transaction(engine) as session:
        appointment = get_appointment(session, appointment_id)
        assert appointment is not None
        set_status(session, appointment, AppointmentStatus.CONFIRMED, actor=CPIP, now=T0)
        move_appointment(session, appointment, later, actor=CPIP, now=T0)

    moved = read(engine, appointment_id)
    assert (moved.start_at, moved.status, moved.sequence) == (
        later,
        AppointmentStatus.PLANNED,
        1,
    )
    with read_session(engine) as session:
        last = history_of(session, appointment_id)[-1]
    assert (last.start_at, last.note) == (later, "moved")


def test_a_persons_appointments_come_in_time_order(engine: Engine, person_id: int) -> None:
    late = add(engine, person_id, START + timedelta(days=3))
    early = add(engine, person_id, START)
    past = add(engine, person_id, T0 - timedelta(days=1))

    with read_session(engine) as session:
        every = [id_of(a) for a in appointments_of(session, person_id)]
        coming = [id_of(a) for a in appointments_of(session, person_id, since=T0)]
    assert every == [past, early, late]
    assert coming == [early, late]
