"""Everything stored about one person: read out (the right of access) or erased (on
request, or by the retention purge).

Erasing keeps the ``person`` row, emptied (no name, a code that says so, only the
dates of release and erasure), because the audit log is append-only and points at
it: who read the file, when, and that it was erased, stays known; what the file
said does not. Every other row about the person is deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete
from sqlmodel import Session, SQLModel, col, select

from storage.enums import Channel
from storage.errors import NotFound
from storage.models import (
    Assignment,
    AuditEvent,
    ChannelIdentity,
    ConversationState,
    Counsellor,
    CounsellorNote,
    Facility,
    KioskSession,
    LinkAttempt,
    LinkCode,
    Outbox,
    Person,
    TranscriptEntry,
)
from storage.rows import table_of
from storage.utc import ensure_aware

Row = TypeVar("Row", bound=SQLModel)

ERASED_CODE_PREFIX = "ERASED"

_PERSONAL_TABLES = (
    TranscriptEntry,
    ConversationState,
    KioskSession,
    LinkCode,
    Outbox,
    CounsellorNote,
    Assignment,
    ChannelIdentity,
)
"""The tables whose rows are a person's, by ``person_id`` (identities last: the
Telegram accounts are read first to forget their link attempts)."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_person(session: Session, person_id: int) -> dict[str, Any]:
    """Everything stored about the person, as JSON data (no PIN or code hash: those
    are secrets, not data about them). Raises :class:`NotFound`."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    facility = session.get(Facility, person.facility_id)
    state = session.get(ConversationState, person_id)

    entries = _rows(session, TranscriptEntry, person_id)
    notes = session.exec(
        select(CounsellorNote, Counsellor.display_name)
        .join(Counsellor, col(Counsellor.id) == col(CounsellorNote.counsellor_id))
        .where(CounsellorNote.person_id == person_id)
        .order_by(col(CounsellorNote.id))
    ).all()
    followers = session.exec(
        select(Counsellor.login, Counsellor.display_name, Assignment.since)
        .join(Assignment, col(Assignment.counsellor_id) == col(Counsellor.id))
        .where(Assignment.person_id == person_id)
    ).all()
    return {
        "person": {
            "id": person.id,
            "code": person.code,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "language": str(person.language),
            "facility": facility.name if facility else None,
            "created_at": _iso(person.created_at),
            "release_planned_on": (
                person.release_planned_on.isoformat() if person.release_planned_on else None
            ),
            "released_at": _iso(person.released_at),
            "unreachable_at": _iso(person.unreachable_at),
            "followup_ended_at": _iso(person.followup_ended_at),
            "erased_at": _iso(person.erased_at),
        },
        "followed_by": [
            {"login": login, "name": name, "since": _iso(since)} for login, name, since in followers
        ],
        "identities": [
            {
                "channel": str(i.channel),
                "external_id": i.external_id,
                "created_at": _iso(i.created_at),
                "detached_at": _iso(i.detached_at),
            }
            for i in _rows(session, ChannelIdentity, person_id)
        ],
        "conversation": state.data if state is not None else None,
        "transcript": [
            {
                "id": e.id,
                "at": _iso(e.at),
                "channel": str(e.channel),
                "direction": str(e.direction),
                "text": e.text,
                "language": str(e.language),
                "flow": e.flow_id,
                "step": e.step_id,
            }
            for e in entries
        ],
        "notes": [{"at": _iso(note.at), "by": name, "text": note.text} for note, name in notes],
        "kiosk_sessions": [
            {"started": _iso(s.created_at), "ended": _iso(s.ended_at)}
            for s in _rows(session, KioskSession, person_id)
        ],
        "link_codes": [
            {
                "created_at": _iso(c.created_at),
                "expires_at": _iso(c.expires_at),
                "used_at": _iso(c.used_at),
                "revoked_at": _iso(c.revoked_at),
            }
            for c in _rows(session, LinkCode, person_id)
        ],
        "telegram_outbox": [
            {
                "created_at": _iso(o.created_at),
                "sent_at": _iso(o.sent_at),
                "failed_at": _iso(o.failed_at),
                "text": o.entry.get("text", ""),
            }
            for o in _rows(session, Outbox, person_id)
        ],
        "audit": [
            {
                "at": _iso(a.at),
                "actor_kind": a.actor_kind,
                "actor_id": a.actor_id,
                "action": a.action,
                "detail": a.detail,
            }
            for a in _rows(session, AuditEvent, person_id)
        ],
    }


def _rows(session: Session, model: type[Row], person_id: int) -> list[Row]:
    """A person's rows of one table, in the order they were written."""
    table = table_of(model)
    query = select(model).where(table.c.person_id == person_id).order_by(table.c.id)
    return list(session.exec(query).all())


def erase_person(session: Session, person_id: int, now: datetime) -> bool:
    """Delete every row about the person and empty their row; False if it already was.
    Raises :class:`NotFound`."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    if person.erased_at is not None:
        return False
    telegram_ids = [
        i.external_id
        for i in _rows(session, ChannelIdentity, person_id)
        if i.channel == Channel.TELEGRAM
    ]
    if telegram_ids:
        session.execute(
            delete(LinkAttempt).where(table_of(LinkAttempt).c.telegram_user_id.in_(telegram_ids))
        )
    for model in _PERSONAL_TABLES:
        session.execute(delete(model).where(table_of(model).c.person_id == person_id))
    person.code = f"{ERASED_CODE_PREFIX}{person_id}"
    person.first_name = ""
    person.last_name = ""
    person.unreachable_at = None
    person.release_planned_on = None
    person.erased_at = ensure_aware(now)
    session.add(person)
    session.flush()
    return True


def ended_before(session: Session, cutoff: datetime) -> list[Person]:
    """The persons (not erased) whose follow-up ended before ``cutoff``: the purge's."""
    query = (
        select(Person)
        .where(
            col(Person.followup_ended_at).is_not(None),
            col(Person.followup_ended_at) < ensure_aware(cutoff),
            col(Person.erased_at).is_(None),
        )
        .order_by(col(Person.followup_ended_at), col(Person.id))
    )
    return list(session.exec(query).all())
