"""Logging in to the console with an identifier and a password (argon2), with lock-out.

A wrong password and an unknown or disabled identifier get the same answer after
the same work (argon2 verifies a decoy hash when there is no account). After
`console_login_attempts` wrong passwords in a row the account is locked for
`console_lock_minutes`, and the page says so and for how long. A successful login
opens a new session (a new token and a new CSRF token) and ends the one the
browser held, if any: a session cannot be fixed in advance. The password is never
stored, logged or written to the audit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.services import Services
from bot.tx import Tx
from storage.audit import record_audit
from storage.console_sessions import create_console_session, end_console_session
from storage.counsellors import account_by_login, register_failed_login, reset_failed_logins
from storage.rows import id_of

MAX_FIELD = 256  # longer input is refused before argon2 sees it


class Outcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    outcome: Outcome
    raw_token: str = ""
    minutes_left: int = 0


def log_in(
    services: Services, login: str, password: str, previous_token: str | None
) -> LoginResult:
    """Check an identifier and a password; on success open a new session."""
    login = login.strip().lower()[:MAX_FIELD]
    password = password[:MAX_FIELD]
    with services.read() as tx:
        found = account_by_login(tx.session, login)
        hashed = found.password_hash if found is not None else None
    # Outside every transaction: argon2 is slow on purpose.
    password_ok = services.hasher.verify(hashed, password)
    with services.write() as tx:
        account = account_by_login(tx.session, login)
        if account is None or account.disabled_at is not None:
            reason = "unknown_login" if account is None else "disabled"
            _audit(tx, None, "console_login_failed", {"reason": reason})
            return LoginResult(Outcome.REFUSED)
        account_id = id_of(account)
        if account.locked_until is not None and account.locked_until > tx.now:
            return _locked(tx, account_id, account.locked_until, "attempt_while_locked")
        if not password_ok or account.password_hash != hashed:
            settings = services.settings
            until = register_failed_login(
                tx.session,
                account_id,
                max_attempts=settings.console_login_attempts,
                lockout=timedelta(minutes=settings.console_lock_minutes),
                now=tx.now,
            )
            if until is not None:
                return _locked(tx, account_id, until, "too_many_attempts")
            _audit(tx, account_id, "console_login_failed", {"reason": "wrong_password"})
            return LoginResult(Outcome.REFUSED)
        reset_failed_logins(tx.session, account_id)
        if previous_token:
            end_console_session(tx.session, previous_token, tx.now)
        opened = create_console_session(tx.session, account_id, tx.now)
        _audit(tx, account_id, "console_login", {"session": opened.id})
        return LoginResult(Outcome.OK, opened.raw_token)


def _locked(tx: Tx, account_id: int, until: datetime, reason: str) -> LoginResult:
    _audit(tx, account_id, "console_login_locked", {"reason": reason})
    minutes = max(1, math.ceil((until - tx.now).total_seconds() / 60))
    return LoginResult(Outcome.LOCKED, minutes_left=minutes)


def _audit(tx: Tx, account_id: int | None, action: str, detail: dict[str, object]) -> None:
    record_audit(
        tx.session,
        actor_kind="counsellor",
        actor_id=account_id,
        action=action,
        detail=detail,
        now=tx.now,
    )
