"""Everything stored about one person: read out (the right of access) or erased (on
request, or by the retention purge).

Erasing keeps the ``person`` row, emptied (no name, a code that says so, only the
dates of release and erasure), because the audit log is append-only and points at
it: who read the file, when, and that it was erased, stays known; what the file
said does not. Every other row about the person is deleted: their appointments with
their history, reminders and flags too, the waits of their kiosk code, and what
their Telegram accounts sent that is still waiting in the inbox.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, update
from sqlmodel import Session, SQLModel, col, select

from storage.enums import Channel
from storage.errors import NotFound
from storage.login_throttle import clear_code, throttle_key
from storage.models import (
    Appointment,
    AppointmentChange,
    Assignment,
    AuditEvent,
    ChannelIdentity,
    ConversationState,
    Counsellor,
    CounsellorNote,
    Facility,
    Flag,
    KioskSession,
    LinkAttempt,
    LinkCode,
    Outbox,
    Person,
    Reminder,
    TelegramUpdate,
    TranscriptEntry,
    TranscriptWord,
)
from storage.rows import table_of
from storage.utc import ensure_aware

Row = TypeVar("Row", bound=SQLModel)

ERASED_CODE_PREFIX = "ERASED"

_PERSONAL_TABLES = (
    Reminder,
    Flag,
    TranscriptEntry,
    TranscriptWord,
    ConversationState,
    KioskSession,
    LinkCode,
    Outbox,
    CounsellorNote,
    Assignment,
    ChannelIdentity,
)
"""The tables whose rows are a person's, by ``person_id`` (reminders and flags before
the appointments they point at, which go with their history; identities last: the
Telegram accounts are read first to forget their link attempts and inbox)."""


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
        "appointments": [_appointment(session, a) for a in _rows(session, Appointment, person_id)],
        "flags": [
            {
                "reason": str(f.reason),
                "appointment": f.appointment_id,
                "at": _iso(f.at),
                "last_at": _iso(f.last_at),
                "times": f.times,
                "detail": f.detail,
                "dealt_at": _iso(f.dealt_at),
                "dealt_by": f.dealt_by,
            }
            for f in _rows(session, Flag, person_id)
        ],
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


def _appointment(session: Session, appointment: Appointment) -> dict[str, Any]:
    """One appointment with its history and its reminders."""
    changes = session.exec(
        select(AppointmentChange)
        .where(AppointmentChange.appointment_id == appointment.id)
        .order_by(col(AppointmentChange.id))
    ).all()
    reminders = session.exec(
        select(Reminder).where(Reminder.appointment_id == appointment.id).order_by(col(Reminder.id))
    ).all()
    return {
        "id": appointment.id,
        "kind": appointment.kind,
        "start_at": _iso(appointment.start_at),
        "duration_minutes": appointment.duration_minutes,
        "place": appointment.place,
        "address": appointment.address,
        "directions": appointment.directions,
        "with_whom": appointment.with_whom,
        "bring": appointment.bring,
        "inside": appointment.inside,
        "origin": str(appointment.origin),
        "created_by": appointment.created_by,
        "status": str(appointment.status),
        "created_at": _iso(appointment.created_at),
        "history": [
            {
                "at": _iso(c.at),
                "status": str(c.status),
                "start_at": _iso(c.start_at),
                "by": c.actor_kind if c.actor_id is None else f"{c.actor_kind} {c.actor_id}",
                "note": c.note,
            }
            for c in changes
        ],
        "reminders": [
            {
                "label": r.label,
                "due_at": _iso(r.due_at),
                "done_at": _iso(r.done_at),
                "outcome": str(r.outcome) if r.outcome is not None else None,
            }
            for r in reminders
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
        _drop_waiting_updates(session, set(telegram_ids), now)
    # The waits of the kiosk code (keyed by a hash of the code: the code changes below).
    clear_code(session, throttle_key("code", person.code))
    appointment_ids = select(table_of(Appointment).c.id).where(
        table_of(Appointment).c.person_id == person_id
    )
    # A flag of someone else never points at this person's appointment; the
    # reminders and flags of the person go first (_PERSONAL_TABLES), then the history.
    for model in _PERSONAL_TABLES:
        session.execute(delete(model).where(table_of(model).c.person_id == person_id))
    change = table_of(AppointmentChange)
    session.execute(delete(change).where(change.c.appointment_id.in_(appointment_ids)))
    session.execute(delete(Appointment).where(table_of(Appointment).c.person_id == person_id))
    person.code = f"{ERASED_CODE_PREFIX}{person_id}"
    person.first_name = ""
    person.last_name = ""
    person.unreachable_at = None
    person.release_planned_on = None
    person.erased_at = ensure_aware(now)
    session.add(person)
    session.flush()
    return True


def _drop_waiting_updates(session: Session, telegram_ids: set[str], now: datetime) -> None:
    """Updates of these Telegram accounts still waiting in the inbox: their payload
    (what the person wrote) is dropped and they count as handled. Handled ones keep
    no payload already."""
    inbox = table_of(TelegramUpdate)
    waiting = session.execute(
        select(inbox.c.update_id, inbox.c.payload).where(
            inbox.c.done_at.is_(None), inbox.c.payload.is_not(None)
        )
    ).all()
    theirs = [update_id for update_id, payload in waiting if _sender(payload) in telegram_ids]
    if theirs:
        session.execute(
            update(inbox)
            .where(inbox.c.update_id.in_(theirs))
            .values(payload=None, done_at=ensure_aware(now))
        )


def _sender(payload: str) -> str | None:
    """The Telegram user id of an update's sender, as text (None when not found)."""
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    for key in ("message", "edited_message", "callback_query"):
        part = data.get(key)
        sender = part.get("from") if isinstance(part, dict) else None
        if isinstance(sender, dict) and "id" in sender:
            return str(sender["id"])
    return None


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
