"""Flags: what a counsellor must look at, open until someone deals with it.

The same thing said again while its flag is open (a second "Parler à un
conseiller", the same appointment missed and then said missed) adds to that
flag (``times``, ``last_at``, its detail) rather than opening another: a
counsellor reads one line per thing to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.enums import FlagReason
from storage.errors import NotFound
from storage.models import Flag, Person
from storage.utc import ensure_aware


@dataclass(frozen=True)
class FlagView:
    """A flag as a list shows it: with the person's code and name."""

    id: int
    reason: FlagReason
    person_id: int
    person_code: str
    person_name: str
    appointment_id: int | None
    at: datetime
    last_at: datetime
    times: int
    detail: dict[str, Any]
    dealt_at: datetime | None
    dealt_by: str | None


def raise_flag(
    session: Session,
    *,
    person_id: int,
    reason: FlagReason,
    now: datetime,
    appointment_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> Flag:
    """Open a flag, or add to the open one of the same person, reason and appointment
    (its detail is updated with ``detail``). Returns the flag."""
    at = ensure_aware(now)
    flag = find_open(session, person_id, reason, appointment_id)
    if flag is None:
        flag = Flag(
            person_id=person_id,
            reason=reason,
            appointment_id=appointment_id,
            at=at,
            last_at=at,
            detail=dict(detail or {}),
        )
    else:
        flag.times += 1
        flag.last_at = at
        flag.detail = {**flag.detail, **(detail or {})}
    session.add(flag)
    session.flush()
    return flag


def deal_with(session: Session, flag_id: int, *, by: str, now: datetime) -> Flag:
    """Mark a flag dealt with by ``by`` (a counsellor's login); dealing with it again
    keeps the first. Raises :class:`NotFound`."""
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise NotFound(f"no flag with id {flag_id}")
    if flag.dealt_at is None:
        flag.dealt_at = ensure_aware(now)
        flag.dealt_by = by
        session.add(flag)
        session.flush()
    return flag


def list_flags(
    session: Session,
    *,
    open_only: bool = False,
    person_id: int | None = None,
    limit: int = 500,
) -> list[FlagView]:
    """Flags, newest first (the open ones only, or one person's, if asked)."""
    query = select(Flag, Person).join(Person, col(Person.id) == col(Flag.person_id))
    if open_only:
        query = query.where(col(Flag.dealt_at).is_(None))
    if person_id is not None:
        query = query.where(col(Flag.person_id) == person_id)
    query = query.order_by(col(Flag.last_at).desc(), col(Flag.id).desc()).limit(limit)
    return [_view(flag, person) for flag, person in session.exec(query)]


def get_flag(session: Session, flag_id: int) -> FlagView | None:
    """One flag, with its person, or None."""
    query = (
        select(Flag, Person)
        .join(Person, col(Person.id) == col(Flag.person_id))
        .where(col(Flag.id) == flag_id)
    )
    found = session.exec(query).first()
    return _view(*found) if found is not None else None


def find_open(
    session: Session, person_id: int, reason: FlagReason, appointment_id: int | None
) -> Flag | None:
    """The open flag of this person, reason and appointment, if there is one."""
    query = select(Flag).where(
        col(Flag.person_id) == person_id,
        col(Flag.reason) == reason,
        col(Flag.dealt_at).is_(None),
    )
    if appointment_id is None:
        query = query.where(col(Flag.appointment_id).is_(None))
    else:
        query = query.where(col(Flag.appointment_id) == appointment_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.exec(query.order_by(col(Flag.id))).first()


def _view(flag: Flag, person: Person) -> FlagView:
    return FlagView(
        id=flag.id or 0,
        reason=FlagReason(flag.reason),
        person_id=flag.person_id,
        person_code=person.code,
        person_name=f"{person.first_name} {person.last_name}",
        appointment_id=flag.appointment_id,
        at=flag.at,
        last_at=flag.last_at,
        times=flag.times,
        detail=dict(flag.detail),
        dealt_at=flag.dealt_at,
        dealt_by=flag.dealt_by,
    )
