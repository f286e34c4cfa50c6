"""The kiosk session seen from the browser: its cookie, idle end, CSRF and message ids.

The cookie holds a random token (only its hash is stored), is HttpOnly and
SameSite=Strict and only sent to `/kiosk`. Every visit resets the idle clock;
a visit after `kiosk_idle_seconds` of silence ends the session instead.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Response

from bot.kiosk.cookies import clear_kiosk_cookie, set_kiosk_cookie
from bot.services import Services
from storage.audit import record_audit
from storage.database import read_session
from storage.errors import DatabaseUnavailable
from storage.kiosk_sessions import (
    end_kiosk_session,
    get_kiosk_session,
    touch_kiosk_session,
)

COOKIE = "filrouge_kiosk"
LANG_COOKIE = "filrouge_lang"
TOUCH_EVERY = timedelta(seconds=10)
"""A visit within this long of the last recorded one does not write it again."""
_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


@dataclass(frozen=True)
class Visit:
    """A live session: who is at the kiosk and the token their forms must carry."""

    session_id: int
    person_id: int
    csrf_token: str


@dataclass(frozen=True)
class Resumed:
    visit: Visit | None
    went_idle: bool = False
    """The session existed but had been idle too long: it was just ended."""


def resume(services: Services, raw_token: str | None) -> Resumed:
    """The live session of this cookie (idle clock reset), or why there is none.

    A visit is read first; the idle clock is only written when it was last
    reset more than `TOUCH_EVERY` ago (or a tenth of the idle delay), so most
    page views write nothing: this is on every request's path. When the
    database is too busy to record the visit, a live session is still
    recognised (reading does not wait for writers): the page is shown, and the
    idle clock is reset by the next visit. A session to end for idleness needs
    the write, so then `DatabaseUnavailable` is raised.
    """
    if not raw_token:
        return Resumed(None)
    seen = _read(services, raw_token)
    if seen is not None and services.clock.now() - seen[1] < _touch_every(services):
        return Resumed(seen[0])
    try:
        return _resume(services, raw_token)
    except DatabaseUnavailable:
        if seen is None:
            raise
        return Resumed(seen[0])


def _touch_every(services: Services) -> timedelta:
    return min(TOUCH_EVERY, timedelta(seconds=services.settings.kiosk_idle_seconds / 10))


def peek(services: Services, raw_token: str | None) -> Visit | None:
    """The live session of this cookie, read only: the idle clock is not reset."""
    seen = _read(services, raw_token) if raw_token else None
    return seen[0] if seen else None


def _read(services: Services, raw_token: str) -> tuple[Visit, datetime] | None:
    """The live session and when it was last seen, without writing anything."""
    idle = timedelta(seconds=services.settings.kiosk_idle_seconds)
    with read_session(services.engine) as session:
        now = services.clock.now()
        record = get_kiosk_session(session, raw_token, idle_timeout=idle, now=now)
        if record is None:
            return None
        visit = Visit(record.id or 0, record.person_id, record.csrf_token)
        return visit, record.last_seen_at


def _resume(services: Services, raw_token: str) -> Resumed:
    idle = timedelta(seconds=services.settings.kiosk_idle_seconds)
    with services.write() as tx:
        session = tx.session
        now = services.clock.now()
        record = get_kiosk_session(session, raw_token, idle_timeout=idle, now=now)
        if record is None:
            stale = get_kiosk_session(session, raw_token)
            if stale is None:
                return Resumed(None)
            end_kiosk_session(session, stale, now=now)
            record_audit(
                session,
                actor_kind="person",
                actor_id=stale.person_id,
                action="kiosk_logout",
                person_id=stale.person_id,
                detail={"reason": "idle"},
                now=now,
            )
            return Resumed(None, went_idle=True)
        touch_kiosk_session(session, record, now=now)
        return Resumed(Visit(record.id or 0, record.person_id, record.csrf_token))


def end(services: Services, raw_token: str | None, reason: str) -> bool:
    """End the session of this cookie, if open; return whether one was ended."""
    if not raw_token:
        return False
    with services.write() as tx:
        session = tx.session
        record = get_kiosk_session(session, raw_token)
        if record is None:
            return False
        now = services.clock.now()
        end_kiosk_session(session, record, now=now)
        record_audit(
            session,
            actor_kind="person",
            actor_id=record.person_id,
            action="kiosk_logout",
            person_id=record.person_id,
            detail={"reason": reason},
            now=now,
        )
        return True


def csrf_ok(visit: Visit, submitted: str) -> bool:
    # Bytes: compare_digest refuses str with non-ASCII characters (a 500).
    return bool(submitted) and secrets.compare_digest(visit.csrf_token.encode(), submitted.encode())


def new_message_id() -> str:
    """A fresh id for the forms of one page: the key that makes a replay harmless."""
    return secrets.token_urlsafe(16)


def valid_message_id(mid: str) -> bool:
    return _MESSAGE_ID.fullmatch(mid) is not None


def set_cookie(response: Response, services: Services, raw_token: str) -> None:
    set_kiosk_cookie(response, services, COOKIE, raw_token)


def clear_cookie(response: Response, services: Services) -> None:
    clear_kiosk_cookie(response, services, COOKIE)


def set_language_cookie(response: Response, services: Services, language: str) -> None:
    set_kiosk_cookie(response, services, LANG_COOKIE, language, max_age=30 * 24 * 3600)
