"""The kiosk session seen from the browser: its cookie, idle end, CSRF and message ids.

The cookie holds a random token (only its hash is stored), is HttpOnly and
SameSite=Strict and only sent to `/kiosk`. The idle clock is exact: it starts
again when the person does something (logs in, answers, types: `touch` in the
same transaction, or `/kiosk/alive`), never because a page was shown, so page
views write nothing. A visit after `kiosk_idle_seconds` of silence finds the
session over, and ends it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Response

from bot.kiosk.cookies import clear_kiosk_cookie, set_kiosk_cookie
from bot.services import Services
from bot.tx import Tx
from storage.audit import record_audit
from storage.kiosk_sessions import OpenSession, end_kiosk_session, get_kiosk_session, open_session

COOKIE = "filrouge_kiosk"
LANG_COOKIE = "filrouge_lang"
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


def resume(services: Services, raw_token: str | None, *, end_idle: bool = True) -> Resumed:
    """The live session of this cookie, or why there is none; reads only, except to
    end a session found idle (`end_idle=False`: left for the page that says so)."""
    if not raw_token:
        return Resumed(None)
    with services.read() as tx:
        found = open_session(tx.session, raw_token)
        resumed = judge(services, tx, found)
    if resumed.went_idle and end_idle:
        end(services, raw_token, "idle")
    return resumed


def judge(services: Services, tx: Tx, found: OpenSession | None) -> Resumed:
    """Whether a session read in `tx` is still live (`went_idle`: it must be ended)."""
    if found is None:
        return Resumed(None)
    too_old = tx.now - found.created_at >= timedelta(hours=services.settings.kiosk_session_hours)
    if too_old or idle_since(services, found.last_seen_at, tx.now):
        return Resumed(None, went_idle=True)
    return Resumed(Visit(found.id, found.person_id, found.csrf_token))


def idle_since(services: Services, last_seen: datetime, now: datetime) -> bool:
    return now - last_seen >= timedelta(seconds=services.settings.kiosk_idle_seconds)


def end(services: Services, raw_token: str | None, reason: str) -> bool:
    """End the session of this cookie, if open; return whether one was ended."""
    if not raw_token:
        return False
    with services.write() as tx:
        record = get_kiosk_session(tx.session, raw_token)
        if record is None:
            return False
        end_kiosk_session(tx.session, record, now=tx.now)
        record_audit(
            tx.session,
            actor_kind="person",
            actor_id=record.person_id,
            action="kiosk_logout",
            person_id=record.person_id,
            detail={"reason": reason},
            now=tx.now,
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
