"""Small helpers on stored rows."""

from __future__ import annotations


def id_of(row: object) -> int:
    """The primary key of a row read from or flushed to the database.

    SQLModel types ids as ``int | None`` because a new row has none yet; once
    flushed it always has one, and this says so to the type checker.
    """
    value = getattr(row, "id", None)
    if not isinstance(value, int):
        raise RuntimeError(f"{type(row).__name__} has no id yet: flush it first")
    return value
