"""Telegram updates taken in: each is processed at most once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import TelegramUpdate
from storage.utc import ensure_aware


def claim_update(session: Session, update_id: int, now: datetime) -> bool:
    """Record ``update_id``; False if it was already recorded (a replay to ignore).

    The insert runs in a savepoint, so a replay leaves the transaction usable.
    The claim is only durable once the caller commits: a crash before that
    lets Telegram's retry be processed as new.
    """
    try:
        with session.begin_nested():
            session.execute(
                insert(TelegramUpdate).values(update_id=update_id, at=ensure_aware(now))
            )
    except IntegrityError:
        return False
    return True
