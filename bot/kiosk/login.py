"""Logging in with a personal code and a PIN, without telling which codes exist.

An unknown code and a wrong PIN get the same answer after the same work (argon2
verifies a decoy hash for an unknown code, and both write an audit row). Wrong
tries slow down what follows rather than lock anyone out for good:

* a code typed on one screen: after `pin_attempts` wrong tries, the next must
  wait `pin_slow_seconds`, doubling with each further wrong try, up to
  `pin_lock_minutes`. A code that does not exist is slowed exactly the same
  way, so a wait tells nothing; and a wait on one screen does not keep the
  person off another one;
* one screen, whatever the codes: after `source_attempts` wrong tries, the same
  progression (someone trying many codes).

A try that must wait is answered at once, without hashing: a crowd of tries
costs the server little, and the hashing itself is bounded (`Hasher`). Staff see
and lift a code's waits (`code_waits_until`, `unlock`). The PIN is never stored,
logged or written to the audit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.passwords import HashingBusy
from bot.services import Services
from bot.settings import Settings
from bot.tx import Tx
from bot.typed import cleaned
from storage.audit import record_audit
from storage.enums import Channel
from storage.kiosk_sessions import create_kiosk_session, end_sessions_of
from storage.login_throttle import (
    clear,
    clear_code,
    record_failure,
    throttle_key,
    waiting_until,
    waits_of_code,
)
from storage.models import ChannelIdentity
from storage.persons import find_identity

MAX_FIELD = 64  # longer input is refused before argon2 sees it
SOURCE_ATTEMPTS = 20
"""Wrong tries from one screen, whatever the codes, before its tries are slowed."""


class Outcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"
    SLOWED = "slowed"
    """Too many wrong tries: this one must wait (`minutes_left`); nothing was checked."""
    BUSY = "busy"
    """Too many logins at once: nothing was checked; try again in a moment."""


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


def log_in(services: Services, code: str, pin: str, source: str = "") -> LoginResult:
    """Check a code and PIN typed on the screen at `source` (its address); on success
    open a kiosk session."""
    code, pin = normalise_code(cleaned(code))[:MAX_FIELD], cleaned(pin).strip()[:MAX_FIELD]
    keys = _Keys(code, source)
    with services.read() as tx:
        until = waiting_until(tx.session, [keys.code_here, keys.screen], tx.now)
        found = find_identity(tx.session, Channel.KIOSK, code)
        identity_id = found.id if found else None
        hashed = found.secret_hash if found else None
    if until is not None:  # answered at once: no hashing for a try that must wait
        return _slowed(services, keys, until, identity_id)
    try:
        # Outside every lock: argon2 is slow on purpose, turns must not wait for it.
        pin_ok = services.hasher.verify(hashed, pin)
        renewed = services.hasher.hash(pin) if pin_ok and services.hasher.outdated(hashed) else None
    except HashingBusy:
        return LoginResult(Outcome.BUSY)
    with services.write() as tx:
        identity = tx.session.get(ChannelIdentity, identity_id) if identity_id else None
        if identity is None or identity.detached_at is not None or not pin_ok:
            return _refused(services, tx, keys, identity)
        if renewed is not None:  # a hash from before the pepper: made again, peppered
            identity.secret_hash = renewed
            tx.session.add(identity)
        return _opened(services, tx, keys, identity.person_id)


def code_waits_until(services: Services, code: str) -> datetime | None:
    """Until when the code must wait on some screen, if it must (for staff only)."""
    with services.read() as tx:
        return waits_of_code(tx.session, _Keys(normalise_code(code), "").code, tx.now)


def unlock(services: Services, code: str, person_id: int, *, actor_kind: str, actor_id: str) -> int:
    """Lift every wait of a code (staff); audited. Returns how many screens it waited on."""
    with services.write() as tx:
        lifted = clear_code(tx.session, _Keys(normalise_code(code), "").code)
        record_audit(
            tx.session,
            actor_kind=actor_kind,
            actor_id=actor_id,
            action="kiosk_login_unlocked",
            person_id=person_id,
            detail={"screens": lifted},
            now=tx.now,
        )
        return lifted


@dataclass(frozen=True)
class _Keys:
    typed: str
    source: str

    @property
    def code(self) -> str:
        return throttle_key("code", self.typed)

    @property
    def code_here(self) -> str:
        return throttle_key("code", self.typed, "on", self.source)

    @property
    def screen(self) -> str:
        return throttle_key("screen", self.source)


def _refused(
    services: Services, tx: Tx, keys: _Keys, identity: ChannelIdentity | None
) -> LoginResult:
    settings = services.settings
    waits = [
        record_failure(
            tx.session,
            keys.code_here,
            tx.now,
            _waits(settings, settings.pin_attempts),
            code_key=keys.code,
        ),
        record_failure(tx.session, keys.screen, tx.now, _waits(settings, SOURCE_ATTEMPTS)),
    ]
    person_id = identity.person_id if identity is not None else None
    reason = "wrong_pin" if identity is not None else "unknown_code"
    record_audit(
        tx.session,
        actor_kind="person",
        actor_id=person_id,
        action="kiosk_login_failed",
        person_id=person_id,
        detail={"reason": reason},
        now=tx.now,
    )
    until = max((w for w in waits if w is not None), default=None)
    if until is None:
        return LoginResult(Outcome.REFUSED)
    # This wrong try starts a wait: said now, the same for a code that does not exist.
    record_audit(
        tx.session,
        actor_kind="person",
        actor_id=person_id,
        action="kiosk_login_locked",
        person_id=person_id,
        detail={"reason": "too_many_attempts"},
        now=tx.now,
    )
    minutes = max(1, math.ceil((until - tx.now).total_seconds() / 60))
    return LoginResult(Outcome.SLOWED, minutes_left=minutes)


def _slowed(
    services: Services, keys: _Keys, until: datetime, identity_id: int | None
) -> LoginResult:
    with services.write() as tx:
        identity = tx.session.get(ChannelIdentity, identity_id) if identity_id else None
        person_id = identity.person_id if identity is not None else None
        record_audit(
            tx.session,
            actor_kind="person",
            actor_id=person_id,
            action="kiosk_login_locked",
            person_id=person_id,
            detail={"reason": "attempt_while_slowed"},
            now=tx.now,
        )
        minutes = max(1, math.ceil((until - tx.now).total_seconds() / 60))
    return LoginResult(Outcome.SLOWED, minutes_left=minutes)


def _opened(services: Services, tx: Tx, keys: _Keys, person_id: int) -> LoginResult:
    clear(tx.session, [keys.code_here])
    for ended in end_sessions_of(tx.session, person_id, tx.now):  # one screen open at a time
        record_audit(
            tx.session,
            actor_kind="person",
            actor_id=person_id,
            action="kiosk_logout",
            person_id=person_id,
            detail={"reason": "new_login", "session": ended},
            now=tx.now,
        )
    raw_token, record = create_kiosk_session(tx.session, person_id, now=tx.now)
    if record.id is None:  # pragma: no cover - a flush always assigns the key
        raise RuntimeError("the database did not assign a session id")
    record_audit(
        tx.session,
        actor_kind="person",
        actor_id=person_id,
        action="kiosk_login",
        person_id=person_id,
        detail={"session": record.id},
        now=tx.now,
    )
    return LoginResult(Outcome.OK, raw_token, record.id, person_id)


def _waits(settings: Settings, free: int) -> _Progression:
    return _Progression(
        free=free,
        first=timedelta(seconds=settings.pin_slow_seconds),
        most=timedelta(minutes=settings.pin_lock_minutes),
    )


@dataclass(frozen=True)
class _Progression:
    """No wait for the first `free` failures, then `first`, doubling, up to `most`."""

    free: int
    first: timedelta
    most: timedelta

    def __call__(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta()
        wait: timedelta = self.first * 2 ** (failures - self.free)
        return min(self.most, wait)
