"""The conversation state snapshot of a person, with optimistic concurrency.

A turn loads ``(data, version)``, runs the engine, then saves with the version
it loaded. If another turn saved in between, the save is refused with
:class:`StaleState` rather than silently overwriting the newer state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as select_columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.enums import Channel, Language
from storage.errors import NotFound, StaleState
from storage.models import ConversationState, Person, TranscriptEntry
from storage.rows import table_of
from storage.utc import ensure_aware, utcnow

NO_STATE_VERSION = 0
"""Version reported by :func:`load_state` when a person has no state yet."""


@dataclass(frozen=True)
class PersonView:
    """What a turn needs of a person (read with the state, in one query)."""

    id: int
    facility_id: int
    code: str
    first_name: str
    last_name: str
    language: Language
    released_at: datetime | None


@dataclass(frozen=True)
class Conversation:
    """A person and the stored state of their conversation (None: not started)."""

    person: PersonView
    data: dict[str, Any] | None
    version: int
    seen: bool = False
    """The inbound id asked about was already recorded: a replay, to answer nothing."""


_PERSON = table_of(Person)
_STATE = table_of(ConversationState)
_ENTRY = table_of(TranscriptEntry)

_SEEN = (
    select_columns(_ENTRY.c.id)
    .where(
        _ENTRY.c.person_id == bindparam("person_id"),
        _ENTRY.c.channel == bindparam("channel"),
        _ENTRY.c.inbound_id == bindparam("inbound_id"),
    )
    .limit(1)
    .scalar_subquery()
)
_LOAD = (
    select_columns(
        _PERSON.c.id,
        _PERSON.c.facility_id,
        _PERSON.c.code,
        _PERSON.c.first_name,
        _PERSON.c.last_name,
        _PERSON.c.language,
        _PERSON.c.released_at,
        _STATE.c.data,
        _STATE.c.version,
        _SEEN,
    )
    .select_from(_PERSON.outerjoin(_STATE, _STATE.c.person_id == _PERSON.c.id))
    .where(_PERSON.c.id == bindparam("person_id"))
)
_LOCK = select_columns(_PERSON.c.id).where(_PERSON.c.id == bindparam("person_id")).with_for_update()
_SAVE = (
    update(_STATE)
    .where(
        _STATE.c.person_id == bindparam("whose"),
        _STATE.c.version == bindparam("expected"),
    )
    .values(
        data=bindparam("new_data"),
        version=bindparam("new_version"),
        updated_at=bindparam("at"),
    )
)


def load_conversation(
    session: Session,
    person_id: int,
    *,
    for_update: bool,
    inbound: tuple[Channel, str] | None = None,
) -> Conversation:
    """The person, their state and whether ``inbound`` (channel, inbound id) was
    already recorded (a replay), in one query.

    ``for_update`` serializes the person's turns until the end of the
    transaction. PostgreSQL first takes ``SELECT ... FOR UPDATE`` on the person's
    row, then reads (a statement of its own: it sees what the turn it waited for
    committed). SQLite needs nothing more: ``BEGIN IMMEDIATE`` already made this
    the only writer. Raises :class:`NotFound` when there is no such person.
    """
    connection = session.connection()
    if for_update and connection.dialect.name == "postgresql":
        connection.execute(_LOCK, {"person_id": person_id})
    channel, inbound_id = inbound if inbound is not None else (Channel.KIOSK, None)
    params = {"person_id": person_id, "channel": channel, "inbound_id": inbound_id}
    row = connection.execute(_LOAD, params).first()
    if row is None:
        raise NotFound(f"no person with id {person_id}")
    person = PersonView(*row[:7])
    data, version, seen = row[7], row[8], row[9] is not None
    if data is None:
        return Conversation(person, None, NO_STATE_VERSION, seen)
    return Conversation(person, dict(data), int(version), seen)


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
        values = {"person_id": person_id, "data": data, "version": new_version, "updated_at": at}
        try:
            # A savepoint: the refused INSERT must not abort the turn (PostgreSQL would).
            with session.begin_nested():
                session.execute(insert(ConversationState).values(**values))
        except IntegrityError as exc:  # another turn created it first
            raise StaleState(person_id, expected_version) from exc
        return new_version
    params = {
        "whose": person_id,
        "expected": expected_version,
        "new_data": data,
        "new_version": new_version,
        "at": at,
    }
    if session.connection().execute(_SAVE, params).rowcount != 1:
        raise StaleState(person_id, expected_version)
    return new_version
