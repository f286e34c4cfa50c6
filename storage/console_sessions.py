"""Console login sessions: a random token in the counsellor's browser, its SHA-256 here.

A session is read together with its account in one query, so that an account
disabled meanwhile is refused at its next request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session

from storage.enums import Role
from storage.models import ConsoleSession, Counsellor
from storage.rows import table_of
from storage.utc import ensure_aware


def hash_token(raw_token: str) -> str:
    """The SHA-256 hex digest under which a session token is stored."""
    return hashlib.sha256(raw_token.encode()).hexdigest()


@dataclass(frozen=True)
class OpenConsoleSession:
    """A session not ended, with its account as it is now."""

    id: int
    counsellor_id: int
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    login: str
    display_name: str
    role: Role
    disabled_at: datetime | None


_SESSION = table_of(ConsoleSession)
_COUNSELLOR = table_of(Counsellor)
_CREATE = insert(_SESSION).returning(_SESSION.c.id)
_FIND = (
    select(
        _SESSION.c.id,
        _SESSION.c.counsellor_id,
        _SESSION.c.csrf_token,
        _SESSION.c.created_at,
        _SESSION.c.last_seen_at,
        _COUNSELLOR.c.login,
        _COUNSELLOR.c.display_name,
        _COUNSELLOR.c.role,
        _COUNSELLOR.c.disabled_at,
    )
    .select_from(_SESSION.join(_COUNSELLOR, _COUNSELLOR.c.id == _SESSION.c.counsellor_id))
    .where(_SESSION.c.token_hash == bindparam("token_hash"), _SESSION.c.ended_at.is_(None))
)
_TOUCH = (
    update(_SESSION)
    .where(_SESSION.c.id == bindparam("which"), _SESSION.c.ended_at.is_(None))
    .values(last_seen_at=bindparam("seen"))
)
_END = (
    update(_SESSION)
    .where(_SESSION.c.token_hash == bindparam("hashed"), _SESSION.c.ended_at.is_(None))
    .values(ended_at=bindparam("at"))
    .returning(_SESSION.c.counsellor_id)
)
_END_ALL = (
    update(_SESSION)
    .where(_SESSION.c.counsellor_id == bindparam("whose"), _SESSION.c.ended_at.is_(None))
    .values(ended_at=bindparam("at"))
)


@dataclass(frozen=True)
class NewConsoleSession:
    raw_token: str
    """What the browser's cookie holds; never stored."""
    id: int
    csrf_token: str


def create_console_session(
    session: Session, counsellor_id: int, now: datetime
) -> NewConsoleSession:
    """Open a session for an account, with a fresh token and a fresh CSRF token."""
    at = ensure_aware(now)
    raw_token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    values = {
        "token_hash": hash_token(raw_token),
        "counsellor_id": counsellor_id,
        "csrf_token": csrf,
        "created_at": at,
        "last_seen_at": at,
    }
    session_id = session.connection().execute(_CREATE, values).scalar_one()
    return NewConsoleSession(raw_token, int(session_id), csrf)


def open_console_session(session: Session, raw_token: str) -> OpenConsoleSession | None:
    """The session of this token if it was not ended (idle or not: the caller decides)."""
    row = session.connection().execute(_FIND, {"token_hash": hash_token(raw_token)}).first()
    return OpenConsoleSession(*row) if row is not None else None


def touch_console_session(session: Session, session_id: int, now: datetime) -> None:
    """The counsellor did something: the idle clock starts again from ``now``."""
    session.connection().execute(_TOUCH, {"which": session_id, "seen": ensure_aware(now)})


def end_console_session(session: Session, raw_token: str, now: datetime) -> int | None:
    """End the session of this token; the account's id, or None if none was open."""
    params = {"hashed": hash_token(raw_token), "at": ensure_aware(now)}
    row = session.connection().execute(_END, params).first()
    return int(row[0]) if row is not None else None


def end_sessions_of(session: Session, counsellor_id: int, now: datetime) -> None:
    """End every open session of an account (it was disabled)."""
    session.connection().execute(_END_ALL, {"whose": counsellor_id, "at": ensure_aware(now)})
