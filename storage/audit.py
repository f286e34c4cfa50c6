"""The audit log: who did or read what, when. Append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import AuditEvent
from storage.utc import ensure_aware, utcnow


def record_audit(
    session: Session,
    *,
    actor_kind: str,
    actor_id: str | int | None,
    action: str,
    person_id: int | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Write one audit event, e.g. a counsellor reading a transcript.

    ``actor_kind`` is "counsellor", "person" or "system"; ``detail`` must be
    JSON-serialisable.
    """
    event = AuditEvent(
        at=ensure_aware(now) if now else utcnow(),
        actor_kind=actor_kind,
        actor_id=None if actor_id is None else str(actor_id),
        action=action,
        person_id=person_id,
        detail=detail or {},
    )
    session.add(event)
    session.flush()
    return event


def audit_page(
    session: Session,
    *,
    limit: int,
    before: int | None = None,
    person_id: int | None = None,
    actor_id: str | None = None,
    action: str | None = None,
) -> list[AuditEvent]:
    """The latest events (before the event ``before``), filtered, latest first."""
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if before is not None:
        query = query.where(col(AuditEvent.id) < before)
    if person_id is not None:
        query = query.where(AuditEvent.person_id == person_id)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(session.exec(query).all())
