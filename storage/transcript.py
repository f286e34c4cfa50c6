"""The transcript: every message in and out of a conversation, append-only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.enums import Channel, Direction, Language
from storage.errors import DuplicateInbound
from storage.models import TranscriptEntry
from storage.rows import table_of
from storage.sealed import keyring_of
from storage.search import index_entries


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


@dataclass(frozen=True)
class StoredEntry(Entry):
    """A transcript entry as read back, with its id (ids follow the order of writing)."""

    id: int = 0


_ENTRY = table_of(TranscriptEntry)
_COLUMNS = tuple(c.name for c in _ENTRY.columns if c.name != "id")
_APPEND = insert(_ENTRY)
_APPEND_IDS = insert(_ENTRY).returning(_ENTRY.c.id, sort_by_parameter_order=True)
_SEEN = (
    select(_ENTRY.c.id)
    .where(
        _ENTRY.c.person_id == bindparam("person_id"),
        _ENTRY.c.channel == bindparam("channel"),
        _ENTRY.c.inbound_id == bindparam("inbound_id"),
    )
    .limit(1)
)
_RECENT = (
    select(*(_ENTRY.c[name] for name in _COLUMNS), _ENTRY.c.id)
    .where(_ENTRY.c.person_id == bindparam("person_id"))
    .order_by(_ENTRY.c.id.desc())
    .limit(bindparam("limit"))
)


@dataclass(frozen=True)
class Line:
    """An entry as a page of the conversation shows it: who said it, the words, and
    what it was (the kind of output, the value of a button), nothing more."""

    id: int
    direction: Direction
    text: str
    output: str | None
    value: str | None
    card: tuple[str, ...] = ()
    """For an appointment card: the values of its buttons (`appt:<id>:yes`...)."""


_CARD_BUTTONS = 2
_LINES = (
    select(_ENTRY.c.id, _ENTRY.c.direction, _ENTRY.c.text, _ENTRY.c.payload)
    .where(_ENTRY.c.person_id == bindparam("person_id"))
    .order_by(_ENTRY.c.id.desc())
    .limit(bindparam("limit"))
)


_LATEST = select(func.max(_ENTRY.c.id)).where(_ENTRY.c.person_id == bindparam("person_id"))


def latest_id(session: Session, person_id: int) -> int:
    """The id of the person's latest entry (0: none): whether anything new was said."""
    found = session.connection().execute(_LATEST, {"person_id": person_id}).scalar()
    return int(found or 0)


def recent_lines(session: Session, person_id: int, limit: int) -> list[Line]:
    """The last ``limit`` entries of a person as a page shows them, oldest first."""
    rows = session.connection().execute(_LINES, {"person_id": person_id, "limit": limit})
    return [_line(*row) for row in reversed(rows.all())]


def _line(entry_id: int, direction: Direction, text: str, payload: dict[str, Any]) -> Line:
    # The payload is sealed: what a page needs of it is read here, not in SQL.
    output, value = _string(payload.get("output")), _string(payload.get("value"))
    card: tuple[str, ...] = ()
    if output == "appointment":
        buttons = payload.get("buttons") or []
        values = (_string(b.get("value")) for b in buttons[:_CARD_BUTTONS] if isinstance(b, dict))
        card = tuple(v for v in values if v)
    return Line(entry_id, direction, text, output, value, card)


def _string(value: object) -> str | None:
    return None if value is None else str(value)


def inbound_seen(session: Session, person_id: int, channel: Channel | str, inbound_id: str) -> bool:
    """Whether this inbound message (Telegram update id, kiosk message id) was
    already recorded for the person on this channel: a replay to ignore."""
    params = {"person_id": person_id, "channel": Channel(channel), "inbound_id": inbound_id}
    return session.connection().execute(_SEEN, params).first() is not None


def append_transcript(session: Session, entries: Sequence[Entry | TranscriptEntry]) -> None:
    """Append entries in the given order (their ids follow that order), in one INSERT,
    and their words to the search index (`storage.search`) when the engine has its key.

    Raises :class:`DuplicateInbound` if an inbound id was already recorded (a
    concurrent replay): the turn looks first (under the person's lock), so this
    is the last safeguard, and the transaction is then to be rolled back and run
    again (PostgreSQL has aborted it).
    """
    rows = [{name: getattr(entry, name) for name in _COLUMNS} for entry in entries]
    if not rows:
        return
    connection = session.connection()
    keyring = keyring_of(connection.dialect)
    indexed = keyring is not None and keyring.blind is not None
    try:
        if not indexed:
            connection.execute(_APPEND, rows)
            return
        ids = connection.execute(_APPEND_IDS, rows).scalars().all()
    except IntegrityError as exc:
        raise DuplicateInbound("this inbound message was already recorded") from exc
    index_entries(
        connection,
        ((i, row["person_id"], row["text"]) for i, row in zip(ids, rows, strict=True)),
    )


def recent_transcript(session: Session, person_id: int, limit: int = 50) -> list[StoredEntry]:
    """Return the last ``limit`` entries of a person, oldest first."""
    rows = session.connection().execute(_RECENT, {"person_id": person_id, "limit": limit})
    return [StoredEntry(*row) for row in reversed(rows.all())]
