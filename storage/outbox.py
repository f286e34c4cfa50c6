"""The outbox: Telegram messages as rows, never lost, sent once but for a crash.

Rows are written in the transaction that decided what to say (``enqueue``). A
sender takes them (the writer itself, at once; or ``claim_due`` with a lease),
calls the Bot API, then marks them sent (the transcript gets them), to retry,
or failed. A crash between Telegram's answer and the mark sends that message
again once its lease ends: at least once, never lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from storage.enums import Channel, Direction, Language
from storage.models import Outbox
from storage.rows import table_of
from storage.transcript import Entry, append_transcript
from storage.utc import ensure_aware

ERROR_LENGTH = 500


_OUTBOX = table_of(Outbox)
_ENQUEUE = insert(_OUTBOX).returning(_OUTBOX.c.id, sort_by_parameter_order=True)
_OPEN = select_columns(_OUTBOX.c.id).where(
    _OUTBOX.c.id.in_(bindparam("ids", expanding=True)),
    _OUTBOX.c.sent_at.is_(None),
    _OUTBOX.c.failed_at.is_(None),
)
_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"))
    .values(
        sent_at=bindparam("at_sent"),
        attempts=_OUTBOX.c.attempts + 1,
        telegram_message_id=bindparam("message_id"),
    )
)


_DUE = (
    select_columns(
        _OUTBOX.c.id,
        _OUTBOX.c.person_id,
        _OUTBOX.c.chat_id,
        _OUTBOX.c.method,
        _OUTBOX.c.payload,
        _OUTBOX.c.entry,
        _OUTBOX.c.attempts,
    )
    .where(
        _OUTBOX.c.sent_at.is_(None),
        _OUTBOX.c.failed_at.is_(None),
        _OUTBOX.c.not_before <= bindparam("now"),
    )
    .order_by(_OUTBOX.c.id)
    .limit(bindparam("limit"))
)
_DUE_LOCKED = _DUE.with_for_update(skip_locked=True)
_LEASE = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True)), _OUTBOX.c.sent_at.is_(None))
    .values(not_before=bindparam("until"))
)


@dataclass(frozen=True)
class Queued:
    """A message in the outbox, as a sender needs it."""

    id: int
    person_id: int | None
    chat_id: int
    method: str
    payload: dict[str, Any]
    entry: dict[str, Any]
    attempts: int = 0


def enqueue(
    session: Session,
    messages: Sequence[Mapping[str, Any]],
    *,
    now: datetime,
    held_until: datetime | None = None,
) -> list[Queued]:
    """Add messages to send, in this order; returns them with their ids.

    Each message gives ``person_id``, ``chat_id``, ``payload`` (what the Bot
    API method gets) and ``entry`` (the transcript entry to write once sent),
    and may give ``method`` (``sendMessage``). They are due at ``now``, or at
    ``held_until`` when the caller sends them itself at once: until then no
    other sender claims them, and if the caller dies they are due after it.
    """
    if not messages:
        return []
    at = ensure_aware(now)
    due = ensure_aware(held_until) if held_until else at
    rows = [
        {
            "person_id": m["person_id"],
            "chat_id": m["chat_id"],
            "method": m.get("method", "sendMessage"),
            "payload": m["payload"],
            "entry": m["entry"],
            "created_at": at,
            "not_before": due,
            "attempts": 0,
        }
        for m in messages
    ]
    ids = [row[0] for row in session.connection().execute(_ENQUEUE, rows)]
    return [
        Queued(i, r["person_id"], r["chat_id"], r["method"], r["payload"], r["entry"])
        for i, r in zip(ids, rows, strict=True)
    ]


_TO_SEND = (
    select_columns(func.count())
    .select_from(_OUTBOX)
    .where(_OUTBOX.c.sent_at.is_(None), _OUTBOX.c.failed_at.is_(None))
)


def count_to_send(session: Session) -> int:
    """Messages written and not sent yet (due, held or waiting for a retry)."""
    return int(session.connection().execute(_TO_SEND).scalar_one())


def claim_due(
    session: Session, now: datetime, limit: int, *, lease_until: datetime
) -> list[Queued]:
    """Take up to ``limit`` messages due now (oldest first) for one sender: they are
    leased to it until ``lease_until`` (no other sender takes them meanwhile; if it
    dies, they fall due again then).

    On PostgreSQL the rows are locked ``FOR UPDATE SKIP LOCKED`` until the end
    of the transaction: concurrent senders claim disjoint rows and never wait.
    SQLite has one writer at a time, which gives the same guarantee.
    """
    connection = session.connection()
    query = _DUE_LOCKED if connection.dialect.name == "postgresql" else _DUE
    found = connection.execute(query, {"now": ensure_aware(now), "limit": limit}).all()
    rows = [Queued(*row) for row in found]
    if rows:
        extend_lease(session, [r.id for r in rows], lease_until)
    return rows


def extend_lease(session: Session, ids: Sequence[int], until: datetime) -> None:
    """Keep messages being sent out of other senders' reach until ``until``."""
    if ids:
        params = {"ids": list(ids), "until": ensure_aware(until)}
        session.connection().execute(_LEASE, params)


def mark_sent(session: Session, sent: Sequence[tuple[Queued, int]], now: datetime) -> int:
    """Telegram accepted these messages (with its message ids): mark them sent and
    append each to its person's transcript (on channel telegram, or the one its
    entry names: a counsellor's message stays theirs). A message settled meanwhile (sent by
    another sender after a lease ran out) is left as it is. Returns how many were marked.
    """
    if not sent:
        return 0
    at = ensure_aware(now)
    connection = session.connection()
    asked = {"ids": [queued.id for queued, _ in sent]}
    open_ids = {row[0] for row in connection.execute(_OPEN, asked)}
    marked = [(q, message_id) for q, message_id in sent if q.id in open_ids]
    if not marked:
        return 0
    connection.execute(_SENT, [{"row_id": q.id, "message_id": m, "at_sent": at} for q, m in marked])
    entries = [
        Entry(
            person_id=q.person_id,
            at=at,
            channel=Channel(q.entry.get("channel", Channel.TELEGRAM)),
            direction=Direction.OUT,
            text=str(q.entry.get("text", "")),
            payload=dict(q.entry.get("payload") or {}),
            language=Language(q.entry.get("language", Language.FR)),
            flow_id=q.entry.get("flow_id"),
            step_id=q.entry.get("step_id"),
        )
        for q, _ in marked
        if q.person_id is not None
    ]
    append_transcript(session, entries)
    return len(marked)


def mark_retry(session: Session, row_id: int, not_before: datetime, error: str) -> None:
    """The attempt failed but may work later (429, 5xx, network): due at ``not_before``."""
    session.execute(
        update(Outbox)
        .where(col(Outbox.id) == row_id, col(Outbox.sent_at).is_(None))
        .values(
            attempts=col(Outbox.attempts) + 1,
            not_before=ensure_aware(not_before),
            last_error=error[:ERROR_LENGTH],
        )
    )


def mark_failed(session: Session, row_ids: Sequence[int], error: str, now: datetime) -> None:
    """These messages will never be sent (403: the person blocked the bot); keep why."""
    if row_ids:
        session.execute(
            update(Outbox)
            .where(
                col(Outbox.id).in_(row_ids),
                col(Outbox.sent_at).is_(None),
                col(Outbox.failed_at).is_(None),
            )
            .values(
                attempts=col(Outbox.attempts) + 1,
                failed_at=ensure_aware(now),
                last_error=error[:ERROR_LENGTH],
            )
        )
