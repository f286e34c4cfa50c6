"""The conversation state snapshot of a person, with optimistic concurrency.

A turn loads ``(data, version)``, runs the engine, then saves with the version
it loaded. If another turn saved in between, the save is refused with
:class:`StaleState` rather than silently overwriting the newer state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage._savepoint import flush_in_savepoint
from storage.errors import StaleState
from storage.models import ConversationState
from storage.utc import ensure_aware, utcnow

NO_STATE_VERSION = 0
"""Version reported by :func:`load_state` when a person has no state yet."""


def load_state(session: Session, person_id: int) -> tuple[dict[str, Any] | None, int]:
    """Return ``(data, version)``; ``(None, 0)`` when nothing was saved yet."""
    query = select(ConversationState.data, ConversationState.version).where(
        ConversationState.person_id == person_id
    )
    row = session.exec(query).first()
    if row is None:
        return None, NO_STATE_VERSION
    data, version = row
    return dict(data), version


def save_state(
    session: Session,
    person_id: int,
    data: dict[str, Any],
    expected_version: int,
    *,
    now: datetime | None = None,
) -> int:
    """Save ``data`` if the stored version is still ``expected_version``.

    Returns the new version (``expected_version + 1``). Raises
    :class:`StaleState` when another turn saved first.
    """
    at = ensure_aware(now) if now else utcnow()
    new_version = expected_version + 1
    if expected_version == NO_STATE_VERSION:
        row = ConversationState(person_id=person_id, data=data, version=new_version, updated_at=at)
        try:
            flush_in_savepoint(session, [row])
        except IntegrityError as exc:  # another turn created it first
            raise StaleState(person_id, expected_version) from exc
        # Keep the identity map free of the row so later loads read the table.
        session.expunge(row)
        return new_version
    statement = (
        update(ConversationState)
        .where(
            col(ConversationState.person_id) == person_id,
            col(ConversationState.version) == expected_version,
        )
        .values(data=data, version=new_version, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    if session.exec(statement).rowcount != 1:
        raise StaleState(person_id, expected_version)
    return new_version
