"""A person's transcript read by pages, for the console: the latest first, older on
demand, from a date, or what came after what is on screen.

Every query walks the ``(person_id, id)`` index: opening the latest page of a
transcript of 50 000 entries costs what opening one of 50 does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlmodel import Session

from storage.enums import Channel, Direction
from storage.models import TranscriptEntry
from storage.rows import table_of
from storage.utc import ensure_aware

NO_LIMIT = 2**31 - 1
"""Larger than any id (the id columns are 32-bit INTEGER on PostgreSQL)."""


@dataclass(frozen=True)
class Shown:
    """An entry as a counsellor reads it: when, on which channel, who, what."""

    id: int
    at: datetime
    channel: Channel
    direction: Direction
    text: str
    output: str | None
    """The kind of output said (text, choices, plan...), None for what the person did."""
    event: str | None
    """What the person did (said, pressed, system), None for what was said to them."""
    name: str | None
    """The name of a system event (start, released...), None otherwise."""
    flow_id: str | None
    step_id: str | None


_ENTRY = table_of(TranscriptEntry)
_SHOWN = (
    _ENTRY.c.id,
    _ENTRY.c.at,
    _ENTRY.c.channel,
    _ENTRY.c.direction,
    _ENTRY.c.text,
    _ENTRY.c.payload,  # sealed: what a page needs of it is read in Python (_shown)
    _ENTRY.c.flow_id,
    _ENTRY.c.step_id,
)
_MINE = _ENTRY.c.person_id == bindparam("person_id")
_BEFORE: Select[Any] = (
    select(*_SHOWN)
    .where(_MINE, _ENTRY.c.id < bindparam("before"))
    .order_by(_ENTRY.c.id.desc())
    .limit(bindparam("limit"))
)
_FROM: Select[Any] = (
    select(*_SHOWN)
    .where(_MINE, _ENTRY.c.id >= bindparam("start"))
    .order_by(_ENTRY.c.id)
    .limit(bindparam("limit"))
)
_FIRST_AT = (
    select(_ENTRY.c.id).where(_MINE, _ENTRY.c.at >= bindparam("at")).order_by(_ENTRY.c.id).limit(1)
)
_ANY_BEFORE = select(_ENTRY.c.id).where(_MINE, _ENTRY.c.id < bindparam("before")).limit(1)
_ANY_AFTER = select(_ENTRY.c.id).where(_MINE, _ENTRY.c.id > bindparam("after")).limit(1)


def _shown(
    entry_id: int,
    at: datetime,
    channel: Channel,
    direction: Direction,
    text: str,
    payload: dict[str, Any],
    flow_id: str | None,
    step_id: str | None,
) -> Shown:
    def field(name: str) -> str | None:
        value = payload.get(name)
        return None if value is None else str(value)

    return Shown(
        entry_id, at, channel, direction, text, field("output"), field("event"), field("name"),
        flow_id, step_id,
    )  # fmt: skip


def page_before(session: Session, person_id: int, before: int | None, limit: int) -> list[Shown]:
    """The ``limit`` entries just before the entry ``before`` (None: the latest ones),
    oldest first."""
    params = {"person_id": person_id, "before": before or NO_LIMIT, "limit": limit}
    rows = session.connection().execute(_BEFORE, params).all()
    return [_shown(*row) for row in reversed(rows)]


def page_from(session: Session, person_id: int, start: int, limit: int) -> list[Shown]:
    """The ``limit`` entries from the entry ``start`` on (it included), oldest first."""
    params = {"person_id": person_id, "start": start, "limit": limit}
    return [_shown(*row) for row in session.connection().execute(_FROM, params)]


def first_at_or_after(session: Session, person_id: int, at: datetime) -> int | None:
    """The id of the person's first entry at or after ``at``, or None."""
    params = {"person_id": person_id, "at": ensure_aware(at)}
    row = session.connection().execute(_FIRST_AT, params).first()
    return int(row[0]) if row is not None else None


def has_before(session: Session, person_id: int, entry_id: int) -> bool:
    """Whether the person has entries older than ``entry_id``."""
    params = {"person_id": person_id, "before": entry_id}
    return session.connection().execute(_ANY_BEFORE, params).first() is not None


def has_after(session: Session, person_id: int, entry_id: int) -> bool:
    """Whether the person has entries newer than ``entry_id``."""
    params = {"person_id": person_id, "after": entry_id}
    return session.connection().execute(_ANY_AFTER, params).first() is not None
