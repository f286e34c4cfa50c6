"""Kiosk login sessions: a random token in the browser, its SHA-256 here.

Storing only the hash means a copy of the database cannot be used to take
over a session on a kiosk.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from storage.models import KioskSession
from storage.rows import table_of
from storage.utc import ensure_aware, utcnow


def hash_token(raw_token: str) -> str:
    """Return the SHA-256 hex digest under which a session token is stored."""
    return hashlib.sha256(raw_token.encode()).hexdigest()


def create_kiosk_session(
    session: Session, person_id: int, *, now: datetime | None = None
) -> tuple[str, KioskSession]:
    """Open a session for a person; return ``(raw_token, record)``.

    The raw token goes into the browser cookie and is never stored.
    """
    at = ensure_aware(now) if now else utcnow()
    raw_token = secrets.token_urlsafe(32)
    record = KioskSession(
        token_hash=hash_token(raw_token),
        person_id=person_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=at,
        last_seen_at=at,
    )
    session.add(record)
    session.flush()
    return raw_token, record


def get_kiosk_session(
    session: Session,
    raw_token: str,
    *,
    idle_timeout: timedelta | None = None,
    now: datetime | None = None,
) -> KioskSession | None:
    """Return the open session for this token, or None.

    None also when it was ended or, given ``idle_timeout``, when it has not
    been seen for that long (the caller should then end it).
    """
    query = select(KioskSession).where(
        KioskSession.token_hash == hash_token(raw_token),
        col(KioskSession.ended_at).is_(None),
    )
    record = session.exec(query).first()
    if record is None or idle_timeout is None:
        return record
    at = ensure_aware(now) if now else utcnow()
    if at - record.last_seen_at > idle_timeout:
        return None
    return record


def touch_kiosk_session(
    session: Session, record: KioskSession, *, now: datetime | None = None
) -> None:
    """Record activity on a session (resets its idle clock)."""
    record.last_seen_at = ensure_aware(now) if now else utcnow()
    session.add(record)
    session.flush()


def end_kiosk_session(
    session: Session, record: KioskSession, *, now: datetime | None = None
) -> None:
    """End a session (logout or idle); its token no longer works."""
    if record.ended_at is None:
        record.ended_at = ensure_aware(now) if now else utcnow()
        session.add(record)
        session.flush()


@dataclass(frozen=True)
class OpenSession:
    """A kiosk session read by its token: who, its CSRF token, its idle clock."""

    id: int
    person_id: int
    csrf_token: str
    last_seen_at: datetime
    created_at: datetime


_SESSION = table_of(KioskSession)
_FIND = select_columns(
    _SESSION.c.id,
    _SESSION.c.person_id,
    _SESSION.c.csrf_token,
    _SESSION.c.last_seen_at,
    _SESSION.c.created_at,
).where(_SESSION.c.token_hash == bindparam("token_hash"), _SESSION.c.ended_at.is_(None))
_TOUCH = (
    update(_SESSION)
    .where(_SESSION.c.id == bindparam("which"), _SESSION.c.ended_at.is_(None))
    .values(last_seen_at=bindparam("seen"))
)


def open_session(session: Session, raw_token: str) -> OpenSession | None:
    """The session of this token if it was not ended (idle or not: the caller decides)."""
    row = session.connection().execute(_FIND, {"token_hash": hash_token(raw_token)}).first()
    return OpenSession(*row) if row is not None else None


def touch(session: Session, session_id: int, now: datetime) -> None:
    """The person did something: their session's idle clock starts again from ``now``."""
    session.connection().execute(_TOUCH, {"which": session_id, "seen": ensure_aware(now)})


def end_sessions_of(session: Session, person_id: int, now: datetime) -> list[int]:
    """End every open session of a person (a new login); returns the ids ended."""
    query = select(KioskSession).where(
        KioskSession.person_id == person_id, col(KioskSession.ended_at).is_(None)
    )
    ended = []
    for record in session.exec(query).all():
        end_kiosk_session(session, record, now=now)
        ended.append(record.id or 0)
    return ended
