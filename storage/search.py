"""Full-text search in transcripts, accents folded: FTS5 on SQLite, tsvector on PostgreSQL.

Migration 0007 builds the index and keeps it current by itself, whoever writes the
transcript (the turn, the outbox, a migration): on SQLite a contentless FTS5 table
filled by triggers, with the person as a token of its own (``who``: ``p<id>``) so
that one person's or one caseload's matches are found in the index; on PostgreSQL a
generated ``tsvector`` column with a GIN index. Both fold case and accents
(« Téléphone » finds « telephone »), and every word of a search is a prefix
(« logem » finds « logement »). The models do not describe these objects:
:func:`outside_models` tells Alembic's comparison to leave them alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, column, func, literal_column, select, table, text
from sqlmodel import Session

from storage.enums import Channel, Direction
from storage.models import TranscriptEntry
from storage.rows import table_of

SEARCH_TABLE = "transcript_search"
"""SQLite: the FTS5 table (and the prefix of its shadow tables)."""
SEARCH_COLUMN = "search_vector"
"""PostgreSQL: the generated tsvector column of ``transcript_entry``."""
SEARCH_INDEX = "ix_transcript_entry_search"
"""PostgreSQL: the GIN index on that column."""
MAX_WORDS = 8
MAX_WORD_LENGTH = 50
_WORD = re.compile(r"[^\W_]+")


def outside_models(name: str | None, type_: str, _parents: object = None) -> bool:
    """Alembic's ``include_name`` hook: False for the search objects the models do not
    describe (they are made and dropped by migration 0007 only)."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(SEARCH_TABLE)
    if type_ == "column":
        return name != SEARCH_COLUMN
    if type_ == "index":
        return name != SEARCH_INDEX
    return True


def words_of(query: str) -> list[str]:
    """The words of a search as the indexes cut them: letters and digits, nothing that
    either index would read as an operator (at most 8 words of 50 characters)."""
    return [w[:MAX_WORD_LENGTH] for w in _WORD.findall(query)][:MAX_WORDS]


@dataclass(frozen=True)
class Hit:
    """A transcript entry that matches, as a list of results shows it."""

    id: int
    person_id: int
    at: datetime
    channel: Channel
    direction: Direction
    text: str


_ENTRY = table_of(TranscriptEntry)
_COLUMNS = (
    _ENTRY.c.id,
    _ENTRY.c.person_id,
    _ENTRY.c.at,
    _ENTRY.c.channel,
    _ENTRY.c.direction,
    _ENTRY.c.text,
)
_FTS = table(SEARCH_TABLE, column("rowid"))


def _sqlite_search() -> Select[Any]:
    matched = _FTS.join(_ENTRY, _ENTRY.c.id == _FTS.c.rowid)
    return (
        select(*_COLUMNS)
        .select_from(matched)
        .where(
            literal_column(SEARCH_TABLE).op("MATCH")(bindparam("match")),
            _FTS.c.rowid < bindparam("before"),
            # The index already keeps to these persons; this keeps to them whatever it says.
            _ENTRY.c.person_id.in_(bindparam("person_ids", expanding=True)),
        )
        .order_by(_FTS.c.rowid.desc())
        .limit(bindparam("limit"))
    )


def _postgresql_search() -> Select[Any]:
    query = func.to_tsquery(text("'simple'::regconfig"), func.filrouge_fold(bindparam("tsquery")))
    return (
        select(*_COLUMNS)
        .where(
            _ENTRY.c.person_id.in_(bindparam("person_ids", expanding=True)),
            literal_column(SEARCH_COLUMN).op("@@")(query),
            _ENTRY.c.id < bindparam("before"),
        )
        .order_by(_ENTRY.c.id.desc())
        .limit(bindparam("limit"))
    )


_SQLITE = _sqlite_search()
_POSTGRESQL = _postgresql_search()
NO_LIMIT = 2**31 - 1
"""Larger than any id (the id columns are 32-bit INTEGER on PostgreSQL)."""


def search(
    session: Session,
    person_ids: Sequence[int],
    query: str,
    *,
    limit: int = 50,
    before: int | None = None,
) -> list[Hit]:
    """The entries of these persons that hold every word of ``query`` (each as a
    prefix, case and accents ignored), latest first; ``before``: only entries with a
    smaller id (the next page). Nothing for a query without words or no persons."""
    words = words_of(query)
    if not words or not person_ids:
        return []
    connection = session.connection()
    params: dict[str, object] = {
        "person_ids": list(person_ids),
        "before": before if before is not None else NO_LIMIT,
        "limit": limit,
    }
    if connection.dialect.name == "postgresql":
        params["tsquery"] = " & ".join(f"{word}:*" for word in words)
        rows = connection.execute(_POSTGRESQL, params)
    else:
        whose = " OR ".join(f'"p{int(p)}"' for p in person_ids)
        wanted = " AND ".join(f'"{word}"*' for word in words)
        params["match"] = f"who : ({whose}) AND text : ({wanted})"
        rows = connection.execute(_SQLITE, params)
    return [Hit(*row) for row in rows]
