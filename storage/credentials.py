"""Failed-PIN bookkeeping on a kiosk identity (lock-out after repeated failures)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from storage.models import ChannelIdentity
from storage.utc import ensure_aware, utcnow

MAX_FAILED_PINS = 5
LOCKOUT = timedelta(minutes=15)


def is_locked(identity: ChannelIdentity, *, now: datetime | None = None) -> bool:
    """Whether the identity is locked out at ``now``."""
    at = ensure_aware(now) if now else utcnow()
    return identity.locked_until is not None and identity.locked_until > at


def register_failed_pin(
    session: Session,
    identity: ChannelIdentity,
    *,
    max_attempts: int = MAX_FAILED_PINS,
    lockout: timedelta = LOCKOUT,
    now: datetime | None = None,
) -> bool:
    """Count a wrong PIN; lock the identity after ``max_attempts`` in a row.

    Returns whether the identity is now locked. The counter is incremented in
    SQL so two simultaneous wrong PINs both count; it restarts after a lock.
    """
    at = ensure_aware(now) if now else utcnow()
    table = ChannelIdentity
    bump = (
        update(table)
        .where(col(table.id) == identity.id)
        .values(failed_attempts=col(table.failed_attempts) + 1)
        .returning(col(table.failed_attempts))
        .execution_options(synchronize_session=False)
    )
    attempts: int = session.exec(bump).scalar_one()
    locked = attempts >= max_attempts
    if locked:
        lock = (
            update(table)
            .where(col(table.id) == identity.id)
            .values(failed_attempts=0, locked_until=at + lockout)
            .execution_options(synchronize_session=False)
        )
        session.exec(lock)
    session.refresh(identity)
    return locked


def reset_failed_pins(session: Session, identity: ChannelIdentity) -> None:
    """Clear the failure counter and any lock (after a correct PIN)."""
    identity.failed_attempts = 0
    identity.locked_until = None
    session.add(identity)
    session.flush()


def set_pin(session: Session, identity: ChannelIdentity, pin_hash: str) -> None:
    """A new PIN (its hash) for a kiosk identity; the failure count and any lock are cleared."""
    identity.secret_hash = pin_hash
    reset_failed_pins(session, identity)
