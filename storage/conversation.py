"""The conversation state snapshot of a person, with optimistic concurrency.

A turn loads ``(data, version)``, runs the engine, then saves with the version
it loaded. If another turn saved in between, the save is refused with
:class:`StaleState` rather than silently overwriting the newer state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy import select as select_columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.enums import Language
from storage.errors import NotFound, StaleState
from storage.models import ConversationState, Person
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


_CONVERSATION = (
    select_columns(
        col(Person.id),
        col(Person.facility_id),
        col(Person.code),
        col(Person.first_name),
        col(Person.last_name),
        col(Person.language),
        col(Person.released_at),
        col(ConversationState.data),
        col(ConversationState.version),
    )
    .select_from(Person)
    .outerjoin(ConversationState, col(ConversationState.person_id) == col(Person.id))
)


def load_conversation(session: Session, person_id: int, *, for_update: bool) -> Conversation:
    """The person and their state, in one query.

    ``for_update`` serializes the person's turns until the end of the
    transaction. PostgreSQL first takes ``SELECT ... FOR UPDATE`` on the person's
    row, then reads (a statement of its own: it sees what the turn it waited for
    committed). SQLite needs nothing more: ``BEGIN IMMEDIATE`` already made this
    the only writer. Raises :class:`NotFound` when there is no such person.
    """
    if for_update and session.get_bind().dialect.name == "postgresql":
        lock = select(Person.id).where(col(Person.id) == person_id).with_for_update()
        session.exec(lock).first()
    row = session.execute(_CONVERSATION.where(col(Person.id) == person_id)).first()
    if row is None:
        raise NotFound(f"no person with id {person_id}")
    person = PersonView(*row[:7])
    data, version = row[7], row[8]
    if data is None:
        return Conversation(person, None, NO_STATE_VERSION)
    return Conversation(person, dict(data), int(version))


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
