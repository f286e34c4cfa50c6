"""Flush inside a savepoint so a unique violation leaves the transaction usable."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, SQLModel


def flush_in_savepoint(session: Session, rows: Iterable[SQLModel]) -> None:
    """Add and flush ``rows`` in a savepoint; IntegrityError propagates.

    PostgreSQL aborts the whole transaction on a failed INSERT; the savepoint
    confines the failure so the caller can answer it (pick another code,
    ignore a replay) and still commit the rest of the turn.
    """
    with session.begin_nested():
        session.add_all(list(rows))
        session.flush()
