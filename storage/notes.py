"""Counsellors' private notes on a person: never shown to the person, append-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select
from sqlmodel import Session

from storage.models import Counsellor, CounsellorNote
from storage.rows import table_of
from storage.utc import ensure_aware


@dataclass(frozen=True)
class Note:
    id: int
    at: datetime
    text: str
    counsellor_id: int
    author: str
    """The display name of the counsellor who wrote it."""


_NOTE = table_of(CounsellorNote)
_COUNSELLOR = table_of(Counsellor)
_ADD = insert(_NOTE).returning(_NOTE.c.id)
_OF = (
    select(
        _NOTE.c.id,
        _NOTE.c.at,
        _NOTE.c.text,
        _NOTE.c.counsellor_id,
        _COUNSELLOR.c.display_name,
    )
    .select_from(_NOTE.join(_COUNSELLOR, _COUNSELLOR.c.id == _NOTE.c.counsellor_id))
    .where(_NOTE.c.person_id == bindparam("person_id"))
    .order_by(_NOTE.c.id.desc())
)


def add_note(session: Session, person_id: int, counsellor_id: int, text: str, now: datetime) -> int:
    """Write a note; its id."""
    values = {
        "person_id": person_id,
        "counsellor_id": counsellor_id,
        "text": text,
        "at": ensure_aware(now),
    }
    return int(session.connection().execute(_ADD, values).scalar_one())


def notes_of(session: Session, person_id: int) -> list[Note]:
    """A person's notes, the latest first."""
    rows = session.connection().execute(_OF, {"person_id": person_id})
    return [Note(*row) for row in rows]


def forget_notes(session: Session, person_id: int) -> None:
    """Delete a person's notes (their data is being erased)."""
    session.execute(delete(CounsellorNote).where(_NOTE.c.person_id == person_id))
