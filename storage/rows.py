"""Small helpers on stored rows."""

from __future__ import annotations

from sqlalchemy import Table
from sqlmodel import SQLModel


def id_of(row: object) -> int:
    """The primary key of a row read from or flushed to the database.

    SQLModel types ids as ``int | None`` because a new row has none yet; once
    flushed it always has one, and this says so to the type checker.
    """
    value = getattr(row, "id", None)
    if not isinstance(value, int):
        raise RuntimeError(f"{type(row).__name__} has no id yet: flush it first")
    return value


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a model: hot paths run prebuilt Core statements on it.

    A statement built once at import and executed on ``session.connection()``
    costs a few tens of microseconds; the same built per call and run through
    the ORM session costs several times more (cache keys, ORM execution state).
    """
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table
