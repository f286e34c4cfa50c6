"""The transcript: every message in and out of a conversation, append-only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.enums import Channel, Direction, Language
from storage.errors import DuplicateInbound
from storage.models import TranscriptEntry


@dataclass(frozen=True)
class Entry:
    """A transcript entry to append (the row gets its id when written)."""

    person_id: int
    at: datetime
    channel: Channel
    direction: Direction
    text: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    language: Language | str = Language.FR
    flow_id: str | None = None
    step_id: str | None = None
    inbound_id: str | None = None


def inbound_seen(session: Session, person_id: int, channel: Channel | str, inbound_id: str) -> bool:
    """Whether this inbound message (Telegram update id, kiosk message id) was
    already recorded for the person on this channel: a replay to ignore."""
    query = select(col(TranscriptEntry.id)).where(
        TranscriptEntry.person_id == person_id,
        TranscriptEntry.channel == Channel(channel),
        TranscriptEntry.inbound_id == inbound_id,
    )
    return session.exec(query).first() is not None


_COLUMNS = tuple(c.name for c in TranscriptEntry.__table__.columns if c.name != "id")  # type: ignore[attr-defined]


def append_transcript(session: Session, entries: Sequence[Entry | TranscriptEntry]) -> None:
    """Append entries in the given order (their ids follow that order).

    Raises :class:`DuplicateInbound` if an inbound id was already recorded
    (a concurrent replay); nothing of ``entries`` is then written. One Core
    INSERT for all entries: this runs on every turn, and the ORM's unit of
    work cost more than the rest of the turn (the entries get no ids back).
    """
    rows = [{name: getattr(entry, name) for name in _COLUMNS} for entry in entries]
    if not rows:
        return
    try:
        with session.begin_nested():
            session.execute(insert(TranscriptEntry), rows)
    except IntegrityError as exc:
        raise DuplicateInbound("this inbound message was already recorded") from exc


def recent_transcript(session: Session, person_id: int, limit: int = 50) -> list[TranscriptEntry]:
    """Return the last ``limit`` entries of a person, oldest first."""
    query = (
        select(TranscriptEntry)
        .where(TranscriptEntry.person_id == person_id)
        .order_by(col(TranscriptEntry.id).desc())
        .limit(limit)
    )
    return list(reversed(session.exec(query).all()))
