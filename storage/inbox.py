"""The Telegram inbox: updates taken in, each handled once.

Polling: a batch of updates is stored (``store_updates``) before the next
``getUpdates`` tells Telegram it was received; each is then handled and
claimed (``claim_update``) in the transaction of what it caused. A stop at any
moment leaves the unhandled ones here (``pending_updates``) for the restart.
Webhook: nothing is stored first; the claim inserts the update as handled, in
the transaction of what it caused, before Telegram is answered.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Executable
from sqlmodel import Session, col, select

from storage.models import TelegramUpdate
from storage.rows import table_of
from storage.utc import ensure_aware

_UPDATE = table_of(TelegramUpdate)
_DONE = (
    update(_UPDATE)
    .where(_UPDATE.c.update_id == bindparam("which"), _UPDATE.c.done_at.is_(None))
    .values(done_at=bindparam("at_done"), payload=None)
)


def store_updates(session: Session, updates: Sequence[tuple[int, str]], now: datetime) -> None:
    """Keep ``(update_id, JSON)`` pairs to handle; one already here is left as it is."""
    if not updates:
        return
    at = ensure_aware(now)
    rows = [{"update_id": i, "at": at, "payload": payload} for i, payload in updates]
    connection = session.connection()
    connection.execute(_insert_new(connection.dialect.name), rows)


def claim_update(session: Session, update_id: int, now: datetime) -> bool:
    """Mark ``update_id`` handled; False if it already was (a replay to ignore).

    Only durable once the caller commits: a crash before that leaves it to be
    handled again (from the inbox, or by Telegram's retry of a webhook).
    """
    at = ensure_aware(now)
    connection = session.connection()
    if connection.execute(_DONE, {"which": update_id, "at_done": at}).rowcount == 1:
        return True
    fresh = _claim_fresh(connection.dialect.name)
    return (
        connection.execute(fresh, {"update_id": update_id, "at": at, "done_at": at}).first()
        is not None
    )


def pending_updates(session: Session, limit: int = 1000) -> list[tuple[int, str]]:
    """Updates stored and not handled yet, oldest first: ``(update_id, JSON)``."""
    query = (
        select(TelegramUpdate.update_id, TelegramUpdate.payload)
        .where(col(TelegramUpdate.done_at).is_(None))
        .order_by(col(TelegramUpdate.update_id))
        .limit(limit)
    )
    return [(update_id, payload or "{}") for update_id, payload in session.exec(query)]


@functools.cache
def _insert_new(dialect: str) -> sqlite.Insert | postgresql.Insert:
    """INSERT that leaves an update already there as it is (built once per dialect)."""
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return builder(_UPDATE).on_conflict_do_nothing()


@functools.cache
def _claim_fresh(dialect: str) -> Executable:
    return _insert_new(dialect).returning(_UPDATE.c.update_id)
