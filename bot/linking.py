"""Linking a Telegram account to a person with the code of their release sheet.

Channel-neutral: the CLI (and later the console) issues codes, the Telegram
channel redeems them. A code is 10 symbols of a 32-letter alphabet without
0/O/1/I (50 bits), single use, expiring, and only its SHA-256 is stored.
Guessing is hopeless: an account may get at most
``settings.link_attempts_per_hour`` codes wrong per hour, against 2^50 codes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from bot.keys import Keys
from bot.services import Services
from bot.tx import Tx
from storage.audit import record_audit
from storage.enums import Channel
from storage.errors import AlreadyTaken, NotFound
from storage.linking import (
    failed_link_attempts,
    find_usable_code,
    issue_link_code,
    record_link_attempt,
    use_link_code,
)
from storage.persons import find_identity, get_person, mark_reachable, replace_identity

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: nothing to confuse
LENGTH = 10
GROUPS = (4, 4, 2)  # K7QM-2XPA-9D
RATE_WINDOW = timedelta(hours=1)
_DRAWS = 5  # a clash of 50-bit codes is next to impossible; retry a few times anyway


class LinkOutcome(StrEnum):
    """What came of a code typed on Telegram."""

    LINKED = "linked"
    REFUSED = "refused"  # wrong, expired, revoked or used: never say which
    TOO_MANY = "too_many"  # too many wrong codes from this account: wait an hour
    ALREADY_OTHER_PERSON = "already_other_person"  # this account belongs to someone else


@dataclass(frozen=True)
class IssuedCode:
    """A fresh link code, in every form the release sheet shows."""

    code: str  # "K7QM2XPA9D", what /start receives
    shown: str  # "K7QM-2XPA-9D", what people read and type
    expires_at: datetime
    deep_link: str  # https://t.me/<bot>?start=<code>


@dataclass(frozen=True)
class Redeemed:
    """The answer to a typed code; ``detached_user_id`` is the person's previous
    Telegram account, to be told it no longer reaches them."""

    outcome: LinkOutcome
    person_id: int | None = None
    detached_user_id: str | None = None


def new_code() -> str:
    """Draw a code with the operating system's cryptographic generator."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str:
    """Upper case, without spaces and dashes; nothing else is changed, so an O
    typed for a 0 stays wrong (the alphabet has neither)."""
    return "".join(c for c in typed.upper() if not c.isspace() and c != "-")


def shown(code: str) -> str:
    """The code in groups people read without losing their place: K7QM-2XPA-9D."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(code[start : start + size])
        start += size
    return "-".join(parts)


def code_hash(keys: Keys, code: str) -> str:
    """What is stored for a normalised code: its HMAC-SHA256 with the server's link key
    (hex). A copy of the database alone gives no code, nor a way to test guesses."""
    return hmac.new(keys.link, code.encode("ascii"), hashlib.sha256).hexdigest()


def deep_link(services: Services, code: str) -> str:
    """The link that opens the bot with the code already typed."""
    return f"https://t.me/{services.settings.telegram_bot_username}?start={code}"


def _well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(c in ALPHABET for c in code)


def issue(
    services: Services, person_id: int, *, actor_kind: str = "system", actor_id: str | None = None
) -> IssuedCode:
    """Give the person a new link code, revoking their previous unused one.

    Raises :class:`storage.errors.NotFound` if there is no such person.
    """
    with services.write() as tx:
        session, now = tx.session, tx.now
        expires_at = now + timedelta(days=services.settings.link_code_days)
        if get_person(session, person_id) is None:
            raise NotFound(f"no person with id {person_id}: check the person's code")
        for _draw in range(_DRAWS):
            code = new_code()
            try:
                digest = code_hash(services.keys, code)
                issue_link_code(session, person_id, digest, expires_at, now)
                break
            except AlreadyTaken:
                continue
        else:
            raise RuntimeError("could not draw an unused link code: is the random source broken?")
        record_audit(
            session,
            actor_kind=actor_kind,
            actor_id=actor_id,
            action="link_code_issued",
            person_id=person_id,
            detail={"expires_at": expires_at.isoformat()},
            now=now,
        )
    return IssuedCode(code, shown(code), expires_at, deep_link(services, code))


def redeem(services: Services, telegram_user_id: str, typed: str) -> Redeemed:
    """Link this Telegram account to the person whose code was typed, if it is usable,
    in a transaction of its own (see `redeem_in`)."""
    with services.write() as tx:
        return redeem_in(tx, services, telegram_user_id, typed)


def redeem_in(tx: Tx, services: Services, telegram_user_id: str, typed: str) -> Redeemed:
    """Link this Telegram account to the person whose code was typed, if it is usable.

    Wrong, expired, revoked and used codes get the same refusal. After too many
    wrong codes in an hour the account is told to wait, whatever it types. An
    account already linked to someone else is refused and nothing changes.
    """
    session, now = tx.session, tx.now
    code = normalise(typed)
    failures = failed_link_attempts(session, telegram_user_id, now - RATE_WINDOW)
    if failures >= services.settings.link_attempts_per_hour:
        # Not recorded: the wait runs from the last counted failure, and a
        # hammering account cannot grow the audit log.
        return Redeemed(LinkOutcome.TOO_MANY)
    usable = _well_formed(code)
    found = find_usable_code(session, code_hash(services.keys, code), now) if usable else None
    current = find_identity(session, Channel.TELEGRAM, telegram_user_id)
    outcome = LinkOutcome.REFUSED
    if current is not None and (found is None or found.person_id != current.person_id):
        # Answered before the code is judged: a linked account learns nothing of codes.
        outcome = LinkOutcome.ALREADY_OTHER_PERSON
    elif found is not None:
        try:
            attached = replace_identity(
                session, found.person_id, Channel.TELEGRAM, telegram_user_id, now=now
            )
        except AlreadyTaken:  # linked to someone else at this very moment
            outcome = LinkOutcome.ALREADY_OTHER_PERSON
        else:
            use_link_code(session, found, telegram_user_id, now)
            mark_reachable(session, found.person_id)
            record_link_attempt(session, telegram_user_id, True, now)
            detached = attached.detached.external_id if attached.detached else None
            _audit_linked(session, found.person_id, telegram_user_id, detached, now)
            return Redeemed(LinkOutcome.LINKED, found.person_id, detached)
    record_link_attempt(session, telegram_user_id, False, now)
    record_audit(
        session,
        actor_kind="telegram",
        actor_id=telegram_user_id,
        action="link_refused",
        person_id=current.person_id if current else None,
        detail={"reason": str(outcome)},
        now=now,
    )
    return Redeemed(outcome, current.person_id if current else None)


def _audit_linked(
    session: Session, person_id: int, telegram_user_id: str, detached: str | None, now: datetime
) -> None:
    record_audit(
        session,
        actor_kind="telegram",
        actor_id=telegram_user_id,
        action="telegram_linked",
        person_id=person_id,
        detail={"detached_user_id": detached},
        now=now,
    )
