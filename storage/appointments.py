"""Appointments and their history: every change is a row of ``appointment_change``.

Kinds are plain text here (the bot checks them against `dialogs.appointments`);
times are aware UTC. ``get_appointment(..., for_update=True)`` locks the row on
PostgreSQL, so that a cancel or a move and a reminder being written for the
same appointment happen one after the other, never across each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage.enums import AppointmentStatus, Origin
from storage.errors import NotFound
from storage.models import Appointment, AppointmentChange, Person
from storage.utc import ensure_aware

OPEN = frozenset({AppointmentStatus.PLANNED, AppointmentStatus.CONFIRMED})
"""The statuses in which an appointment is still to come: reminded, answerable."""


@dataclass(frozen=True)
class Details:
    """What the person reads of an appointment besides its kind and time."""

    place: str = ""
    address: str = ""
    directions: str = ""
    with_whom: str = ""
    bring: str = ""
    inside: bool = False
    duration_minutes: int | None = None


@dataclass(frozen=True)
class Actor:
    """Who changed an appointment: "counsellor" (with a login), "person" or "system"."""

    kind: str
    id: str | None = None


def create_appointment(
    session: Session,
    *,
    person_id: int,
    kind: str,
    start_at: datetime,
    details: Details,
    origin: Origin,
    actor: Actor,
    now: datetime,
) -> Appointment:
    """Add an appointment, planned, with the first line of its history.
    Raises :class:`NotFound` when there is no such person."""
    if session.get(Person, person_id) is None:
        raise NotFound(f"no person with id {person_id}")
    at = ensure_aware(now)
    appointment = Appointment(
        person_id=person_id,
        kind=kind,
        start_at=ensure_aware(start_at),
        place=details.place,
        address=details.address,
        directions=details.directions,
        with_whom=details.with_whom,
        bring=details.bring,
        inside=details.inside,
        duration_minutes=details.duration_minutes,
        origin=origin,
        created_by=actor.id if actor.kind == "counsellor" else None,
        status=AppointmentStatus.PLANNED,
        created_at=at,
        updated_at=at,
    )
    session.add(appointment)
    session.flush()
    _record(session, appointment, actor, at, "")
    return appointment


def get_appointment(
    session: Session, appointment_id: int, *, for_update: bool = False
) -> Appointment | None:
    """The appointment, or None; ``for_update`` locks it until the end of the
    transaction on PostgreSQL (SQLite has one writer at a time already)."""
    query = select(Appointment).where(col(Appointment.id) == appointment_id)
    if for_update and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.exec(query).first()


def set_status(
    session: Session,
    appointment: Appointment,
    status: AppointmentStatus,
    *,
    actor: Actor,
    now: datetime,
    note: str = "",
) -> bool:
    """Change the status and keep the change; False (nothing written) when the
    appointment already had that status and there is no note to keep."""
    if appointment.status == status and not note:
        return False
    at = ensure_aware(now)
    appointment.status = status
    appointment.updated_at = at
    session.add(appointment)
    session.flush()
    _record(session, appointment, actor, at, note)
    return True


def move_appointment(
    session: Session, appointment: Appointment, start_at: datetime, *, actor: Actor, now: datetime
) -> None:
    """A new time: the appointment is planned again (an answer given to the old time
    does not hold for the new one) and its calendar sequence goes up."""
    at = ensure_aware(now)
    appointment.start_at = ensure_aware(start_at)
    appointment.status = AppointmentStatus.PLANNED
    appointment.sequence += 1
    appointment.updated_at = at
    session.add(appointment)
    session.flush()
    _record(session, appointment, actor, at, "moved")


def appointments_of(
    session: Session, person_id: int, *, since: datetime | None = None
) -> list[Appointment]:
    """A person's appointments in time order (those starting from ``since``, if given)."""
    query = select(Appointment).where(col(Appointment.person_id) == person_id)
    if since is not None:
        query = query.where(col(Appointment.start_at) >= ensure_aware(since))
    return list(session.exec(query.order_by(col(Appointment.start_at), col(Appointment.id))))


def upcoming(session: Session, *, since: datetime, limit: int = 500) -> list[Appointment]:
    """Everyone's appointments starting from ``since``, in time order."""
    query = (
        select(Appointment)
        .where(col(Appointment.start_at) >= ensure_aware(since))
        .order_by(col(Appointment.start_at), col(Appointment.id))
        .limit(limit)
    )
    return list(session.exec(query))


def history_of(session: Session, appointment_id: int) -> list[AppointmentChange]:
    """Every change of an appointment, oldest first."""
    query = (
        select(AppointmentChange)
        .where(col(AppointmentChange.appointment_id) == appointment_id)
        .order_by(col(AppointmentChange.id))
    )
    return list(session.exec(query))


def statuses(session: Session, appointment_ids: Sequence[int]) -> dict[int, AppointmentStatus]:
    """The status of each of these appointments (those that exist)."""
    if not appointment_ids:
        return {}
    query = select(Appointment.id, Appointment.status).where(
        col(Appointment.id).in_(list(appointment_ids))
    )
    return {int(i): AppointmentStatus(s) for i, s in session.exec(query) if i is not None}


def _record(
    session: Session, appointment: Appointment, actor: Actor, at: datetime, note: str
) -> None:
    if appointment.id is None:  # pragma: no cover - flushed just before
        raise RuntimeError("the appointment has no id yet")
    session.add(
        AppointmentChange(
            appointment_id=appointment.id,
            at=at,
            status=appointment.status,
            start_at=appointment.start_at,
            actor_kind=actor.kind,
            actor_id=actor.id,
            note=note[:500],
        )
    )
    session.flush()
