"""Rows that only served their moment, deleted once old: the second half of the
retention purge (`filrouge purge`), beside the erasure of ended follow-ups.

* kiosk sessions ended, or idle, before the cutoff (a session lasts hours);
* Telegram update ids handled before it (Telegram never sends one again after a day);
* link-code attempts (the rate limit looks back minutes);
* outbox rows sent or given up before it (what was sent is in the transcript);
* login waits long over.

Nothing a counsellor reads is here: transcripts, appointments, flags and the audit
log stay until the person's own retention ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from storage.models import KioskSession, LinkAttempt, LoginThrottle, Outbox, TelegramUpdate
from storage.utc import ensure_aware


@dataclass(frozen=True)
class Swept:
    """How many rows of each kind were (or, in a dry run, would be) deleted."""

    kiosk_sessions: int = 0
    telegram_updates: int = 0
    link_attempts: int = 0
    outbox: int = 0
    login_waits: int = 0

    @property
    def total(self) -> int:
        return (
            self.kiosk_sessions
            + self.telegram_updates
            + self.link_attempts
            + self.outbox
            + self.login_waits
        )


def sweep(session: Session, before: datetime, *, dry_run: bool = False) -> Swept:
    """Delete (or only count, in a dry run) the rows of the moment older than `before`."""
    cutoff = ensure_aware(before)
    wheres: dict[str, tuple[type[Any], Any]] = {
        "kiosk_sessions": (
            KioskSession,
            sa.or_(
                col(KioskSession.ended_at) < cutoff,
                sa.and_(
                    col(KioskSession.ended_at).is_(None), col(KioskSession.last_seen_at) < cutoff
                ),
            ),
        ),
        "telegram_updates": (TelegramUpdate, col(TelegramUpdate.done_at) < cutoff),
        "link_attempts": (LinkAttempt, col(LinkAttempt.at) < cutoff),
        "outbox": (
            Outbox,
            sa.or_(col(Outbox.sent_at) < cutoff, col(Outbox.failed_at) < cutoff),
        ),
        "login_waits": (
            LoginThrottle,
            sa.and_(
                col(LoginThrottle.updated_at) < cutoff,
                sa.or_(
                    col(LoginThrottle.wait_until).is_(None), col(LoginThrottle.wait_until) < cutoff
                ),
            ),
        ),
    }
    counted: dict[str, int] = {}
    connection = session.connection()
    for name, (model, where) in wheres.items():
        if dry_run:
            query = sa.select(sa.func.count()).select_from(model).where(where)
            counted[name] = int(connection.execute(query).scalar_one())
        else:
            counted[name] = connection.execute(sa.delete(model).where(where)).rowcount
    return Swept(**counted)
