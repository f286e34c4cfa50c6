"""Failed logins counted per key, and the wait they impose (see `LoginThrottle`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete
from sqlalchemy import select as select_columns
from sqlmodel import Session, select

from storage.models import LoginThrottle
from storage.rows import table_of
from storage.utc import ensure_aware

_THROTTLE = table_of(LoginThrottle)
_READ = select_columns(_THROTTLE.c.key, _THROTTLE.c.wait_until).where(
    _THROTTLE.c.key.in_(bindparam("keys", expanding=True))
)


def throttle_key(*parts: str) -> str:
    """The stored key of what is throttled (a code on a screen, a screen): a hash."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def waiting_until(session: Session, keys: Sequence[str], now: datetime) -> datetime | None:
    """The latest moment one of these keys must wait until, if still ahead."""
    rows = session.connection().execute(_READ, {"keys": list(keys)}).all()
    ahead = [ensure_aware(until) for _key, until in rows if until is not None]
    latest = max(ahead, default=None)
    return latest if latest is not None and latest > ensure_aware(now) else None


def record_failure(
    session: Session,
    key: str,
    now: datetime,
    wait_after: Callable[[int], timedelta],
    *,
    code_key: str | None = None,
) -> datetime | None:
    """Count one more failure under `key`; returns until when the next try must wait
    (`wait_after(failures)`: zero for none)."""
    at = ensure_aware(now)
    row = session.get(LoginThrottle, key, with_for_update=True)
    if row is None:
        row = LoginThrottle(key=key, code_key=code_key, failures=0, updated_at=at)
    row.failures += 1
    wait = wait_after(row.failures)
    row.wait_until = at + wait if wait > timedelta() else None
    row.updated_at = at
    session.add(row)
    session.flush()
    return row.wait_until


def clear(session: Session, keys: Sequence[str]) -> int:
    """Forget the failures under these keys (a success, or staff unlocking); how many."""
    if not keys:
        return 0
    done = session.connection().execute(delete(_THROTTLE).where(_THROTTLE.c.key.in_(keys)))
    return int(done.rowcount or 0)


def waits_of_code(session: Session, code_key: str, now: datetime) -> datetime | None:
    """Until when a code must wait on some screen (for staff), if it must."""
    rows = session.exec(select(LoginThrottle).where(LoginThrottle.code_key == code_key)).all()
    ahead = [ensure_aware(r.wait_until) for r in rows if r.wait_until is not None]
    latest = max(ahead, default=None)
    return latest if latest is not None and latest > ensure_aware(now) else None


def clear_code(session: Session, code_key: str) -> int:
    """Forget every failure of a code on every screen (staff unlocking it)."""
    done = session.connection().execute(delete(_THROTTLE).where(_THROTTLE.c.code_key == code_key))
    return int(done.rowcount or 0)
