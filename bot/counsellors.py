"""Counsellor accounts: add, list, disable, and who follows whom.

Channel-neutral: the command line (`filrouge counsellor ...`) and the console's
administrator pages both do it here, and every change is written in the audit
log with who made it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from bot.actors import CLI, Actor
from bot.services import Services
from bot.tx import Tx
from storage.audit import record_audit
from storage.console_sessions import end_sessions_of
from storage.counsellors import (
    account_by_login,
    assign,
    create_counsellor,
    disable_counsellor,
    list_counsellors,
    unassign,
)
from storage.enums import Role
from storage.errors import AlreadyTaken
from storage.persons import create_facility, get_facility_by_code, get_person_by_code
from storage.rows import id_of

MIN_PASSWORD = 12
MAX_PASSWORD = 256
MAX_NAME = 200
_LOGIN = re.compile(r"[a-z0-9][a-z0-9._-]{1,62}")
# Generated passwords: the link codes' alphabet in lower case (no 0/o, 1/i/l to confuse).
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105  (an alphabet)


class Refusal(StrEnum):
    """Why an account change is refused (each edge says it in its own words)."""

    BAD_LOGIN = "bad_login"
    LOGIN_TAKEN = "login_taken"
    BAD_NAME = "bad_name"
    SHORT_PASSWORD = "short_password"  # noqa: S105  (a reason, not a password)
    NO_ACCOUNT = "no_account"
    NO_PERSON = "no_person"


class AccountRefused(ValueError):
    """An account change that cannot be made; `reason` says why."""

    MESSAGES: ClassVar[dict[Refusal, str]] = {
        Refusal.BAD_LOGIN: "a login is 2 to 63 lower-case letters, digits, '.', '_' or '-'",
        Refusal.LOGIN_TAKEN: "this login is already used: choose another",
        Refusal.BAD_NAME: f"the name is required, at most {MAX_NAME} characters",
        Refusal.SHORT_PASSWORD: f"a password has at least {MIN_PASSWORD} characters",
        Refusal.NO_ACCOUNT: "no account has this login (`filrouge counsellor list`)",
        Refusal.NO_PERSON: "no person has this code",
    }

    def __init__(self, reason: Refusal) -> None:
        super().__init__(self.MESSAGES[reason])
        self.reason = reason


@dataclass(frozen=True)
class NewAccount:
    id: int
    login: str
    password: str
    generated: bool
    """The password was drawn here: show it once, it is stored only hashed."""


@dataclass(frozen=True)
class AccountLine:
    id: int
    login: str
    name: str
    role: Role
    created_at: datetime
    disabled_at: datetime | None
    follows: int


def generate_password() -> str:
    """Sixteen symbols in four groups (80 bits), easy to read out and to type."""
    symbols = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(symbols[i : i + 4] for i in range(0, 16, 4))


def normalised_login(login: str) -> str:
    return login.strip().lower()


def add_account(
    services: Services,
    login: str,
    name: str,
    role: Role | str = Role.CPIP,
    password: str | None = None,
    *,
    facility_code: str | None = None,
    facility_id: int | None = None,
    by: Actor = CLI,
) -> NewAccount:
    """Create an account; a password is drawn when none is given. Raises
    :class:`AccountRefused`."""
    login = normalised_login(login)
    name = " ".join(name.split())
    if not _LOGIN.fullmatch(login):
        raise AccountRefused(Refusal.BAD_LOGIN)
    if not name or len(name) > MAX_NAME:
        raise AccountRefused(Refusal.BAD_NAME)
    generated = password is None
    secret = password if password is not None else generate_password()
    if not MIN_PASSWORD <= len(secret) <= MAX_PASSWORD:
        raise AccountRefused(Refusal.SHORT_PASSWORD)
    hashed = services.hasher.hash(secret)
    with services.write() as tx:
        where = facility_id or _facility(tx, facility_code or "demo")
        try:
            account = create_counsellor(tx.session, where, login, name, hashed, Role(role))
        except AlreadyTaken as exc:
            raise AccountRefused(Refusal.LOGIN_TAKEN) from exc
        _audit(tx, by, "counsellor_added", detail={"login": login, "role": str(role)})
        return NewAccount(id_of(account), login, secret, generated)


def _facility(tx: Tx, code: str) -> int:
    found = get_facility_by_code(tx.session, code) or create_facility(tx.session, code, code)
    return id_of(found)


def accounts(services: Services) -> list[AccountLine]:
    """Every account, by login, with how many persons each follows."""
    with services.read() as tx:
        return [
            AccountLine(
                id_of(c), c.login, c.display_name, c.role, c.created_at, c.disabled_at, count
            )
            for c, count in list_counsellors(tx.session)
        ]


def disable_account(services: Services, login: str, *, by: Actor = CLI) -> bool:
    """Disable an account and end its sessions at once (the next request of its
    browser is refused); False if it was already disabled. Raises
    :class:`AccountRefused`."""
    with services.write() as tx:
        account = account_by_login(tx.session, normalised_login(login))
        if account is None:
            raise AccountRefused(Refusal.NO_ACCOUNT)
        changed = disable_counsellor(tx.session, id_of(account), tx.now)
        end_sessions_of(tx.session, id_of(account), tx.now)
        if changed:
            _audit(tx, by, "counsellor_disabled", detail={"login": account.login})
        return changed


def assign_person(
    services: Services, login: str, person_code: str, *, remove: bool = False, by: Actor = CLI
) -> bool:
    """Let the account follow the person (or no longer, `remove`); False if nothing
    changed. Raises :class:`AccountRefused`."""
    with services.write() as tx:
        account = account_by_login(tx.session, normalised_login(login))
        if account is None:
            raise AccountRefused(Refusal.NO_ACCOUNT)
        person = get_person_by_code(tx.session, person_code)
        if person is None or person.erased_at is not None:
            raise AccountRefused(Refusal.NO_PERSON)
        change = unassign if remove else assign
        changed = change(tx.session, id_of(account), id_of(person))
        if changed:
            action = "counsellor_unassigned" if remove else "counsellor_assigned"
            _audit(tx, by, action, id_of(person), {"login": account.login})
        return changed


def _audit(
    tx: Tx,
    by: Actor,
    action: str,
    person_id: int | None = None,
    detail: dict[str, str] | None = None,
) -> None:
    record_audit(
        tx.session,
        actor_kind=by.kind,
        actor_id=by.id,
        action=action,
        person_id=person_id,
        detail=detail,
        now=tx.now,
    )
