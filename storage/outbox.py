"""The outbox: Telegram messages as rows, sent at most once, never lost.

A sender claims due rows (``due_messages``), calls the Bot API, then marks
each row sent, to retry or failed, in the transaction that claimed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.enums import Channel, Direction, Language
from storage.models import Outbox, TranscriptEntry
from storage.transcript import append_transcript
from storage.utc import ensure_aware

ERROR_LENGTH = 500


def enqueue(session: Session, rows: Sequence[Outbox]) -> None:
    """Add messages to send; they are due from their ``not_before``, in this order."""
    session.add_all(list(rows))
    session.flush()


def due_messages(session: Session, now: datetime, limit: int) -> list[Outbox]:
    """Up to ``limit`` rows to send now: not sent, not failed, oldest first.

    On PostgreSQL the rows are locked ``FOR UPDATE SKIP LOCKED`` until the end
    of the transaction: concurrent senders claim disjoint rows and never wait.
    SQLite has one writer at a time, which gives the same guarantee.
    """
    query = (
        select(Outbox)
        .where(
            col(Outbox.sent_at).is_(None),
            col(Outbox.failed_at).is_(None),
            col(Outbox.not_before) <= ensure_aware(now),
        )
        .order_by(col(Outbox.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.exec(query).all())


def mark_sent(
    session: Session, row: Outbox, telegram_message_id: int | None, now: datetime
) -> None:
    """Telegram accepted the message: mark the row and append it to the transcript."""
    now = ensure_aware(now)
    row.sent_at = now
    row.attempts += 1
    row.telegram_message_id = telegram_message_id
    session.add(row)
    entry = row.entry
    append_transcript(
        session,
        [
            TranscriptEntry(
                person_id=row.person_id,
                at=now,
                channel=Channel.TELEGRAM,
                direction=Direction.OUT,
                text=str(entry.get("text", "")),
                payload=dict(entry.get("payload") or {}),
                language=Language(entry.get("language", Language.FR)),
                flow_id=entry.get("flow_id"),
                step_id=entry.get("step_id"),
            )
        ],
    )
    session.flush()


def mark_retry(session: Session, row: Outbox, not_before: datetime, error: str) -> None:
    """The attempt failed but may work later (429, 5xx, network): try at ``not_before``."""
    row.attempts += 1
    row.not_before = ensure_aware(not_before)
    row.last_error = error[:ERROR_LENGTH]
    session.add(row)
    session.flush()


def mark_failed(session: Session, row: Outbox, error: str, now: datetime) -> None:
    """The message will never be sent (403: the person blocked the bot); keep why."""
    row.attempts += 1
    row.failed_at = ensure_aware(now)
    row.last_error = error[:ERROR_LENGTH]
    session.add(row)
    session.flush()
