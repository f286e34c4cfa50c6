"""The audit log: who did or read what, when. Append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

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
