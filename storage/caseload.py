"""What a caseload page needs of each person a counsellor follows: who they are and
where they stand (one query), then their next appointment and open flags (one
query each, for the whole page)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, exists, select
from sqlmodel import Session

from storage.appointments import OPEN
from storage.enums import Channel, Direction, FlagReason, Language
from storage.models import (
    Appointment,
    Assignment,
    ChannelIdentity,
    ConversationState,
    Flag,
    Person,
    TranscriptEntry,
)
from storage.rows import table_of
from storage.utc import ensure_aware


@dataclass(frozen=True)
class CaseFacts:
    """One person of a caseload: who, where they stand, their conversation's state."""

    id: int
    code: str
    first_name: str
    last_name: str
    language: Language
    released_at: datetime | None
    unreachable_at: datetime | None
    release_planned_on: date | None
    followup_ended_at: datetime | None
    telegram_linked: bool
    last_said_at: datetime | None
    """When the person last said or pressed something (kiosk or Telegram)."""
    state: dict[str, Any] | None


_PERSON = table_of(Person)
_ASSIGNMENT = table_of(Assignment)
_STATE = table_of(ConversationState)
_IDENTITY = table_of(ChannelIdentity)
_ENTRY = table_of(TranscriptEntry)

_LINKED = exists().where(
    _IDENTITY.c.person_id == _PERSON.c.id,
    _IDENTITY.c.channel == Channel.TELEGRAM,
    _IDENTITY.c.detached_at.is_(None),
)
# The latest entry the person said: walked backwards on (person_id, id), it stops at
# the first one, a few rows back at most.
_LAST_SAID = (
    select(_ENTRY.c.at)
    .where(
        _ENTRY.c.person_id == _PERSON.c.id,
        _ENTRY.c.direction == Direction.IN,
        _ENTRY.c.channel.in_([Channel.KIOSK, Channel.TELEGRAM]),
    )
    .order_by(_ENTRY.c.person_id.desc(), _ENTRY.c.id.desc())  # the index's order
    .limit(1)
    .correlate(_PERSON)
    .scalar_subquery()
)
_FACTS = (
    select(
        _PERSON.c.id,
        _PERSON.c.code,
        _PERSON.c.first_name,
        _PERSON.c.last_name,
        _PERSON.c.language,
        _PERSON.c.released_at,
        _PERSON.c.unreachable_at,
        _PERSON.c.release_planned_on,
        _PERSON.c.followup_ended_at,
        _LINKED.label("telegram_linked"),
        _LAST_SAID.label("last_said_at"),
        _STATE.c.data,
    )
    .select_from(
        _ASSIGNMENT.join(_PERSON, _PERSON.c.id == _ASSIGNMENT.c.person_id).outerjoin(
            _STATE, _STATE.c.person_id == _PERSON.c.id
        )
    )
    .where(
        and_(
            _ASSIGNMENT.c.counsellor_id == bindparam("counsellor_id"),
            _PERSON.c.erased_at.is_(None),
        )
    )
    .order_by(_PERSON.c.last_name, _PERSON.c.first_name, _PERSON.c.id)
)


def caseload_facts(session: Session, counsellor_id: int) -> list[CaseFacts]:
    """Every person the counsellor follows (not erased), by name."""
    rows = session.connection().execute(_FACTS, {"counsellor_id": counsellor_id})
    return [
        CaseFacts(
            id=row.id,
            code=row.code,
            first_name=row.first_name,
            last_name=row.last_name,
            language=row.language,
            released_at=row.released_at,
            unreachable_at=row.unreachable_at,
            release_planned_on=row.release_planned_on,
            followup_ended_at=row.followup_ended_at,
            telegram_linked=bool(row.telegram_linked),
            last_said_at=row.last_said_at,
            state=dict(row.data) if row.data else None,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class NextAppointment:
    """A person's next appointment still to come (planned or confirmed)."""

    id: int
    start_at: datetime
    kind: str
    place: str


@dataclass(frozen=True)
class FollowUpFacts:
    """A person's next appointment and the reasons of their open flags."""

    next_appointment: NextAppointment | None = None
    open_flags: tuple[FlagReason, ...] = field(default=())


_APPOINTMENT = table_of(Appointment)
_FLAG = table_of(Flag)


def followup_facts(
    session: Session, person_ids: Sequence[int], now: datetime
) -> dict[int, FollowUpFacts]:
    """The next appointment (from ``now``) and the open flags of each person; a person
    with neither is absent."""
    if not person_ids:
        return {}
    ids = list(person_ids)
    coming = session.connection().execute(
        select(
            _APPOINTMENT.c.person_id,
            _APPOINTMENT.c.id,
            _APPOINTMENT.c.start_at,
            _APPOINTMENT.c.kind,
            _APPOINTMENT.c.place,
        )
        .where(
            _APPOINTMENT.c.person_id.in_(ids),
            _APPOINTMENT.c.status.in_([str(status) for status in OPEN]),
            _APPOINTMENT.c.start_at >= ensure_aware(now),
        )
        .order_by(_APPOINTMENT.c.person_id, _APPOINTMENT.c.start_at, _APPOINTMENT.c.id)
    )
    nexts: dict[int, NextAppointment] = {}
    for row in coming:
        nexts.setdefault(row.person_id, NextAppointment(row.id, row.start_at, row.kind, row.place))
    flags: dict[int, list[FlagReason]] = {}
    opened = session.connection().execute(
        select(_FLAG.c.person_id, _FLAG.c.reason)
        .where(_FLAG.c.person_id.in_(ids), _FLAG.c.dealt_at.is_(None))
        .order_by(_FLAG.c.person_id, _FLAG.c.id)
    )
    for person_id, reason in opened:
        flags.setdefault(person_id, []).append(FlagReason(reason))
    return {
        person_id: FollowUpFacts(nexts.get(person_id), tuple(flags.get(person_id, ())))
        for person_id in nexts.keys() | flags.keys()
    }
