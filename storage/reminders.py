"""Reminders as rows: planned when an appointment is made, claimed when due, ended once.

A worker claims the due rows (``claim_due``) in the transaction that writes
their messages and ends them (``finish``): the rows stay locked until it
commits, which is their lease. On PostgreSQL ``FOR UPDATE SKIP LOCKED`` (of
the reminder and of its appointment) lets several workers claim disjoint rows
without waiting, and keeps a cancel or a move of the appointment from crossing
a reminder being written; a worker that dies loses its locks with its
connection, and the rows are due again at once. SQLite has one writer at a time.

Statements are built once (the worker may handle ten thousand rows a minute).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from storage.conversation import PersonView
from storage.enums import AppointmentStatus, Language, ReminderOutcome
from storage.models import Appointment, Person, Reminder
from storage.rows import table_of
from storage.utc import ensure_aware

DETAIL_LENGTH = 200

_REMINDER = table_of(Reminder)
_APPOINTMENT = table_of(Appointment)
_PERSON = table_of(Person)

_PLAN = insert(_REMINDER)
_DUE_COLUMNS = (
    _REMINDER.c.id,
    _REMINDER.c.label,
    _REMINDER.c.due_at,
    _APPOINTMENT.c.id,
    _APPOINTMENT.c.kind,
    _APPOINTMENT.c.start_at,
    _APPOINTMENT.c.duration_minutes,
    _APPOINTMENT.c.place,
    _APPOINTMENT.c.address,
    _APPOINTMENT.c.directions,
    _APPOINTMENT.c.with_whom,
    _APPOINTMENT.c.bring,
    _APPOINTMENT.c.status,
    _APPOINTMENT.c.sequence,
    _PERSON.c.id,
    _PERSON.c.facility_id,
    _PERSON.c.code,
    _PERSON.c.first_name,
    _PERSON.c.last_name,
    _PERSON.c.language,
    _PERSON.c.released_at,
    _PERSON.c.unreachable_at,
)
_DUE = (
    select_columns(*_DUE_COLUMNS)
    .select_from(
        _REMINDER.join(_APPOINTMENT, _APPOINTMENT.c.id == _REMINDER.c.appointment_id).join(
            _PERSON, _PERSON.c.id == _REMINDER.c.person_id
        )
    )
    .where(_REMINDER.c.done_at.is_(None), _REMINDER.c.not_before <= bindparam("now"))
    .order_by(_REMINDER.c.not_before, _REMINDER.c.id)
    .limit(bindparam("limit"))
)
_DUE_LOCKED = _DUE.with_for_update(skip_locked=True, of=[_REMINDER, _APPOINTMENT])
_ONE = _DUE.where(_REMINDER.c.id == bindparam("row_id"))
_ONE_LOCKED = _ONE.with_for_update(of=[_REMINDER, _APPOINTMENT])
_FINISH = (
    update(_REMINDER)
    .where(_REMINDER.c.id == bindparam("row_id"), _REMINDER.c.done_at.is_(None))
    .values(done_at=bindparam("at_done"), outcome=bindparam("ended_as"), detail=bindparam("why"))
)
_POSTPONE = (
    update(_REMINDER)
    .where(_REMINDER.c.id == bindparam("row_id"), _REMINDER.c.done_at.is_(None))
    .values(not_before=bindparam("until"))
)
_CANCEL = (
    update(_REMINDER)
    .where(_REMINDER.c.appointment_id == bindparam("appointment"), _REMINDER.c.done_at.is_(None))
    .values(
        done_at=bindparam("at_done"), outcome=ReminderOutcome.CANCELLED, detail=bindparam("why")
    )
)


@dataclass(frozen=True)
class Planned:
    """A reminder to plan: its label and when it is due (aware)."""

    label: str
    due_at: datetime


@dataclass(frozen=True)
class DueAppointment:
    """The appointment of a due reminder, as it is now (checked again at fire time)."""

    id: int
    kind: str
    start_at: datetime
    duration_minutes: int | None
    place: str
    address: str
    directions: str
    with_whom: str
    bring: str
    status: AppointmentStatus
    sequence: int


@dataclass(frozen=True)
class Due:
    """A claimed reminder, with its appointment and its person: all the worker needs."""

    id: int
    label: str
    due_at: datetime
    appointment: DueAppointment
    person: PersonView
    unreachable_at: datetime | None


@dataclass(frozen=True)
class Ended:
    """How a claimed reminder ends: its outcome and why (or where it went)."""

    id: int
    outcome: ReminderOutcome
    detail: str = ""


def plan(
    session: Session,
    *,
    appointment_id: int,
    person_id: int,
    planned: Sequence[Planned],
    now: datetime,
) -> None:
    """Add the reminders of an appointment, each due at its time."""
    at = ensure_aware(now)
    rows = [
        {
            "appointment_id": appointment_id,
            "person_id": person_id,
            "label": p.label,
            "due_at": ensure_aware(p.due_at),
            "not_before": ensure_aware(p.due_at),
            "created_at": at,
            "detail": "",
        }
        for p in planned
    ]
    if rows:
        session.connection().execute(_PLAN, rows)


def claim_due(session: Session, now: datetime, limit: int) -> list[Due]:
    """Up to ``limit`` reminders due at ``now``, oldest first, locked until the end of
    the transaction (skipping those another worker holds, on PostgreSQL)."""
    connection = session.connection()
    query = _DUE_LOCKED if connection.dialect.name == "postgresql" else _DUE
    rows = connection.execute(query, {"now": ensure_aware(now), "limit": limit}).all()
    return [_due(row) for row in rows]


def claim_one(session: Session, reminder_id: int, now: datetime) -> Due | None:
    """One reminder, if it is still due at ``now``, locked until the end of the
    transaction (waiting for a worker that holds it: then it is no longer due)."""
    connection = session.connection()
    query = _ONE_LOCKED if connection.dialect.name == "postgresql" else _ONE
    row = connection.execute(
        query, {"now": ensure_aware(now), "limit": 1, "row_id": reminder_id}
    ).first()
    return _due(row) if row is not None else None


def finish(session: Session, ended: Sequence[Ended], now: datetime) -> int:
    """End claimed reminders (sent, dropped, failed); one already ended is left as it is.
    Returns how many were ended."""
    if not ended:
        return 0
    at = ensure_aware(now)
    params = [
        {"row_id": e.id, "at_done": at, "ended_as": e.outcome, "why": e.detail[:DETAIL_LENGTH]}
        for e in ended
    ]
    result = session.connection().execute(_FINISH, params)
    return int(result.rowcount)


def postpone(session: Session, reminder_id: int, until: datetime) -> None:
    """Look at a due reminder again at ``until`` (it fell due at night)."""
    session.connection().execute(_POSTPONE, {"row_id": reminder_id, "until": ensure_aware(until)})


def cancel_pending(session: Session, appointment_id: int, now: datetime, why: str) -> int:
    """End the reminders of an appointment still to send (it was cancelled or moved)."""
    params = {"appointment": appointment_id, "at_done": ensure_aware(now), "why": why}
    return int(session.connection().execute(_CANCEL, params).rowcount)


def reminders_of(session: Session, appointment_id: int) -> list[Reminder]:
    """Every reminder of an appointment, by due time."""
    query = (
        select(Reminder)
        .where(col(Reminder.appointment_id) == appointment_id)
        .order_by(col(Reminder.due_at), col(Reminder.id))
    )
    return list(session.exec(query))


def _due(row: Sequence[Any]) -> Due:
    (rid, label, due_at, aid, kind, start_at, duration, place, address, directions, with_whom,
     bring, status, sequence, pid, facility_id, code, first, last, language, released_at,
     unreachable_at) = row  # fmt: skip
    appointment = DueAppointment(
        id=int(aid),
        kind=str(kind),
        start_at=start_at,
        duration_minutes=duration,
        place=str(place),
        address=str(address),
        directions=str(directions),
        with_whom=str(with_whom),
        bring=str(bring),
        status=AppointmentStatus(status),
        sequence=int(sequence),
    )
    person = PersonView(
        int(pid),
        int(facility_id),
        str(code),
        str(first),
        str(last),
        Language(language),
        released_at,
    )
    return Due(int(rid), str(label), due_at, appointment, person, unreachable_at)
