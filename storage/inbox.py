"""The Telegram inbox: updates taken in, each handled once.

Polling: a batch of updates is stored (``store_updates``) before the next
``getUpdates`` tells Telegram it was received; each is then handled and
claimed (``claim_update``) in the transaction of what it caused. A stop at any
moment leaves the unhandled ones here (``pending_updates``) for the restart.
Webhook: nothing is stored first; the claim inserts the update as handled, in
the transaction of what it caused, before Telegram is answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import TelegramUpdate
from storage.utc import ensure_aware


def store_updates(session: Session, updates: Sequence[tuple[int, str]], now: datetime) -> None:
    """Keep ``(update_id, JSON)`` pairs to handle; one already here is left as it is."""
    if not updates:
        return
    at = ensure_aware(now)
    rows = [{"update_id": i, "at": at, "payload": payload} for i, payload in updates]
    session.execute(_insert_ignoring_duplicates(session).values(rows))


def claim_update(session: Session, update_id: int, now: datetime) -> bool:
    """Mark ``update_id`` handled; False if it already was (a replay to ignore).

    Only durable once the caller commits: a crash before that leaves it to be
    handled again (from the inbox, or by Telegram's retry of a webhook).
    """
    at = ensure_aware(now)
    done = (
        update(TelegramUpdate)
        .where(col(TelegramUpdate.update_id) == update_id, col(TelegramUpdate.done_at).is_(None))
        .values(done_at=at, payload=None)
    )
    if session.exec(done).rowcount == 1:
        return True
    fresh = (
        _insert_ignoring_duplicates(session)
        .values(update_id=update_id, at=at, done_at=at)
        .returning(col(TelegramUpdate.update_id))
    )
    return session.execute(fresh).first() is not None


def pending_updates(session: Session, limit: int = 1000) -> list[tuple[int, str]]:
    """Updates stored and not handled yet, oldest first: ``(update_id, JSON)``."""
    query = (
        select(TelegramUpdate.update_id, TelegramUpdate.payload)
        .where(col(TelegramUpdate.done_at).is_(None))
        .order_by(col(TelegramUpdate.update_id))
        .limit(limit)
    )
    return [(update_id, payload or "{}") for update_id, payload in session.exec(query)]


def _insert_ignoring_duplicates(session: Session) -> sqlite.Insert | postgresql.Insert:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(TelegramUpdate).on_conflict_do_nothing()
    return sqlite.insert(TelegramUpdate).on_conflict_do_nothing()
