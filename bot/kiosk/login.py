"""Logging in with a personal code and a PIN, without telling which codes exist.

An unknown code and a wrong PIN get the same answer after the same work (argon2
verifies a decoy hash for an unknown code, and both write an audit row). After
`pin_attempts` wrong PINs in a row the code is locked for `pin_lock_minutes`.
The PIN is never stored, logged or written to the audit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from bot.services import Services
from bot.typed import cleaned
from storage.audit import record_audit
from storage.credentials import is_locked, register_failed_pin, reset_failed_pins
from storage.database import read_session
from storage.enums import Channel
from storage.kiosk_sessions import create_kiosk_session, end_sessions_of
from storage.models import ChannelIdentity
from storage.persons import find_identity
from storage.utc import ensure_aware

MAX_FIELD = 64  # longer input is refused before argon2 sees it


class Outcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    outcome: Outcome
    raw_token: str = ""
    session_id: int = 0
    person_id: int = 0
    minutes_left: int = 0


def normalise_code(code: str) -> str:
    """Codes are printed in capitals; people type them any way, with spaces."""
    return "".join(code.split()).upper()


def log_in(services: Services, code: str, pin: str) -> LoginResult:
    """Check a code and PIN; on success open a kiosk session."""
    code, pin = normalise_code(cleaned(code))[:MAX_FIELD], cleaned(pin).strip()[:MAX_FIELD]
    with read_session(services.engine) as session:
        found = find_identity(session, Channel.KIOSK, code)
        identity_id = found.id if found else None
        hashed = found.secret_hash if found else None
    # Outside every lock: argon2 is slow on purpose, turns must not wait for it.
    pin_ok = services.hasher.verify(hashed, pin)
    with services.write() as tx:
        session = tx.session
        now = services.clock.now()
        identity = session.get(ChannelIdentity, identity_id) if identity_id else None
        if identity is None or identity.detached_at is not None:
            record_audit(
                session,
                actor_kind="person",
                actor_id=None,
                action="kiosk_login_failed",
                detail={"reason": "unknown_code"},
                now=now,
            )
            return LoginResult(Outcome.REFUSED)
        person_id = identity.person_id
        if is_locked(identity, now=now):
            return _locked(session, identity, now, "attempt_while_locked")
        if not pin_ok:
            settings = services.settings
            if register_failed_pin(
                session,
                identity,
                max_attempts=settings.pin_attempts,
                lockout=timedelta(minutes=settings.pin_lock_minutes),
                now=now,
            ):
                return _locked(session, identity, now, "too_many_attempts")
            record_audit(
                session,
                actor_kind="person",
                actor_id=person_id,
                action="kiosk_login_failed",
                person_id=person_id,
                detail={"reason": "wrong_pin"},
                now=now,
            )
            return LoginResult(Outcome.REFUSED)
        reset_failed_pins(session, identity)
        for ended in end_sessions_of(session, person_id, now):  # one screen open at a time
            record_audit(
                session,
                actor_kind="person",
                actor_id=person_id,
                action="kiosk_logout",
                person_id=person_id,
                detail={"reason": "new_login", "session": ended},
                now=now,
            )
        raw_token, record = create_kiosk_session(session, person_id, now=now)
        if record.id is None:  # pragma: no cover - a flush always assigns the key
            raise RuntimeError("the database did not assign a session id")
        record_audit(
            session,
            actor_kind="person",
            actor_id=person_id,
            action="kiosk_login",
            person_id=person_id,
            detail={"session": record.id},
            now=now,
        )
        return LoginResult(Outcome.OK, raw_token, record.id, person_id)


def _locked(session: Session, identity: ChannelIdentity, now: datetime, reason: str) -> LoginResult:
    record_audit(
        session,
        actor_kind="person",
        actor_id=identity.person_id,
        action="kiosk_login_locked",
        person_id=identity.person_id,
        detail={"reason": reason},
        now=now,
    )
    until = ensure_aware(identity.locked_until) if identity.locked_until else now
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return LoginResult(Outcome.LOCKED, minutes_left=minutes)
