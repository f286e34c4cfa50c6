"""The console session seen from the browser: its cookie, idle and absolute end, CSRF.

The cookie holds a random token (only its hash is stored), is HttpOnly and
SameSite=Strict, only sent to `/console`, and `Secure` behind HTTPS. Each request
reads the session with its account: an account disabled meanwhile, a session idle
for `console_idle_minutes` or older than `console_session_hours` is ended and the
request refused. A request the counsellor made starts the idle clock again
(written at most once a minute); the live update of a page does not.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from fastapi import Response

from bot.services import Services
from storage.audit import record_audit
from storage.console_sessions import (
    OpenConsoleSession,
    end_console_session,
    open_console_session,
    touch_console_session,
)
from storage.enums import Role

COOKIE = "filrouge_console"
PATH = "/console"
TOUCH_EVERY = timedelta(seconds=60)
"""The idle clock is written at most this often: a page view is a read."""


@dataclass(frozen=True)
class Staff:
    """A counsellor logged in: who, and the token their forms must carry."""

    session_id: int
    counsellor_id: int
    login: str
    name: str
    role: Role
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


class Ended(StrEnum):
    """Why there is no live session."""

    NONE = "none"  # no cookie, or a token that is not (or no longer) a session
    IDLE = "idle"
    EXPIRED = "expired"
    DISABLED = "disabled"


@dataclass(frozen=True)
class Resumed:
    staff: Staff | None
    ended: Ended = Ended.NONE


def resume(services: Services, raw_token: str | None, *, activity: bool = True) -> Resumed:
    """The live session of this cookie, or why there is none (a session found over is
    ended here). `activity`: the counsellor did this request (not a script), so the
    idle clock starts again."""
    if not raw_token:
        return Resumed(None)
    with services.read() as tx:
        found = open_console_session(tx.session, raw_token)
        now = tx.now
    if found is None:
        return Resumed(None)
    ended = _over(services, found, now)
    if ended is not None:
        _end(services, raw_token, found.counsellor_id, ended)
        return Resumed(None, ended)
    if activity and now - found.last_seen_at >= TOUCH_EVERY:
        with services.write() as tx:
            touch_console_session(tx.session, found.id, tx.now)
    staff = Staff(
        found.id, found.counsellor_id, found.login, found.display_name, found.role, found.csrf_token
    )
    return Resumed(staff)


def _over(services: Services, found: OpenConsoleSession, now: datetime) -> Ended | None:
    settings = services.settings
    if found.disabled_at is not None:
        return Ended.DISABLED
    if now - found.created_at >= timedelta(hours=settings.console_session_hours):
        return Ended.EXPIRED
    if now - found.last_seen_at >= timedelta(minutes=settings.console_idle_minutes):
        return Ended.IDLE
    return None


def _end(services: Services, raw_token: str, counsellor_id: int, why: Ended) -> None:
    with services.write() as tx:
        if end_console_session(tx.session, raw_token, tx.now) is not None:
            record_audit(
                tx.session,
                actor_kind="counsellor",
                actor_id=counsellor_id,
                action="console_session_ended",
                detail={"reason": str(why)},
                now=tx.now,
            )


def log_out(services: Services, raw_token: str | None) -> None:
    """End the session of this cookie, if one is open."""
    if not raw_token:
        return
    with services.write() as tx:
        who = end_console_session(tx.session, raw_token, tx.now)
        if who is not None:
            record_audit(
                tx.session,
                actor_kind="counsellor",
                actor_id=who,
                action="console_logout",
                now=tx.now,
            )


def csrf_ok(staff: Staff, submitted: str) -> bool:
    # Bytes: compare_digest refuses str with non-ASCII characters (a 500).
    return bool(submitted) and secrets.compare_digest(staff.csrf_token.encode(), submitted.encode())


def set_cookie(
    response: Response, services: Services, name: str, value: str, max_age: int | None = None
) -> None:
    response.set_cookie(
        name,
        value,
        path=PATH,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=services.settings.secure_cookies,
    )


def clear_cookie(response: Response, services: Services, name: str = COOKIE) -> None:
    response.delete_cookie(
        name, path=PATH, httponly=True, samesite="strict", secure=services.settings.secure_cookies
    )
