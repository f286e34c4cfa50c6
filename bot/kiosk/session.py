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
from storage.persons import get_person

COOKIE = "filrouge_kiosk"
LANG_COOKIE = "filrouge_lang"
PREFS_COOKIE = "filrouge_prefs"
"""The person's choices for this visit (read aloud by itself, large text): gone at logout."""
PREFS = ("voice", "large")
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
    language: str = ""
    """The language of the person whose session went idle: the login page that says
    so is in it."""


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
        person = get_person(tx.session, found.person_id)
        return Resumed(None, went_idle=True, language=str(person.language) if person else "")
    return Resumed(Visit(found.id, found.person_id, found.csrf_token))


WARNING_SECONDS = 30


def warning_seconds(idle_seconds: int) -> int:
    """How long before the idle end the page asks "Vous êtes encore là ?": 30 s, or a
    third of a short delay."""
    return max(1, min(WARNING_SECONDS, idle_seconds // 3))


def idle_since(services: Services, last_seen: datetime, now: datetime) -> bool:
    return now - last_seen >= timedelta(seconds=services.settings.kiosk_idle_seconds)


def end(services: Services, raw_token: str | None, reason: str) -> str | None:
    """End the session of this cookie, if open; return the language of the person who
    left (the pages after are in it), or None when there was no session."""
    if not raw_token:
        return None
    with services.write() as tx:
        record = get_kiosk_session(tx.session, raw_token)
        if record is None:
            return None
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
        person = get_person(tx.session, record.person_id)
        return str(person.language) if person else "fr"


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


def prefs_of(raw: str | None) -> frozenset[str]:
    """The choices a prefs cookie holds (unknown ones ignored)."""
    return frozenset(p for p in (raw or "").split("-") if p in PREFS)


def set_prefs_cookie(response: Response, services: Services, prefs: frozenset[str]) -> None:
    if prefs:
        set_kiosk_cookie(response, services, PREFS_COOKIE, "-".join(sorted(prefs)))
    else:
        clear_kiosk_cookie(response, services, PREFS_COOKIE)


def clear_prefs_cookie(response: Response, services: Services) -> None:
    clear_kiosk_cookie(response, services, PREFS_COOKIE)


def set_language_cookie(response: Response, services: Services, language: str) -> None:
    set_kiosk_cookie(response, services, LANG_COOKIE, language, max_age=30 * 24 * 3600)
