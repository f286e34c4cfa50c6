"""Link codes and link attempts: the storage side of linking a Telegram account.

Codes are drawn, normalised and hashed by ``bot.linking``; here they are only
hashes with a lifetime. ``now`` is always passed in, so tests move time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage._savepoint import flush_in_savepoint
from storage.errors import AlreadyTaken
from storage.models import LinkAttempt, LinkCode
from storage.utc import ensure_aware


def issue_link_code(
    session: Session, person_id: int, code_hash: str, expires_at: datetime, now: datetime
) -> LinkCode:
    """Store a new code for the person and revoke their previous unused ones.

    Raises :class:`AlreadyTaken` if the hash is already stored (a collision
    of random codes, or the same code drawn twice): draw another code; the
    transaction stays usable and the previous codes stay revoked.
    """
    now = ensure_aware(now)
    previous = select(LinkCode).where(
        LinkCode.person_id == person_id,
        col(LinkCode.used_at).is_(None),
        col(LinkCode.revoked_at).is_(None),
    )
    for old in session.exec(previous).all():
        old.revoked_at = now
        session.add(old)
    code = LinkCode(person_id=person_id, code_hash=code_hash, created_at=now, expires_at=expires_at)
    try:
        flush_in_savepoint(session, [code])
    except IntegrityError as exc:
        raise AlreadyTaken("this link code is already stored: draw another one") from exc
    return code


def find_usable_code(session: Session, code_hash: str, now: datetime) -> LinkCode | None:
    """The code with this hash if it is neither used, revoked nor expired.

    On PostgreSQL the row is locked until the end of the transaction, so two
    accounts typing the same code at once cannot both use it.
    """
    query = select(LinkCode).where(
        LinkCode.code_hash == code_hash,
        col(LinkCode.used_at).is_(None),
        col(LinkCode.revoked_at).is_(None),
        col(LinkCode.expires_at) > ensure_aware(now),
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.exec(query).first()


def use_link_code(session: Session, code: LinkCode, telegram_user_id: str, now: datetime) -> None:
    """Mark a usable code as used by this Telegram account (it never works again)."""
    code.used_at = ensure_aware(now)
    code.used_by = telegram_user_id
    session.add(code)
    session.flush()


def record_link_attempt(session: Session, telegram_user_id: str, ok: bool, now: datetime) -> None:
    """Remember that this Telegram account tried a code (``ok``: it worked)."""
    session.add(LinkAttempt(telegram_user_id=telegram_user_id, at=ensure_aware(now), ok=ok))
    session.flush()


def failed_link_attempts(session: Session, telegram_user_id: str, since: datetime) -> int:
    """How many codes this Telegram account got wrong after ``since``."""
    query = select(func.count()).where(
        LinkAttempt.telegram_user_id == telegram_user_id,
        col(LinkAttempt.ok).is_(False),
        col(LinkAttempt.at) > ensure_aware(since),
    )
    return int(session.exec(query).one())
