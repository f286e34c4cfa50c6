"""Search in transcripts whose text is sealed: a blind index of keyed word hashes.

Every entry appended through an engine with a search key (`storage.sealed.Keyring`)
gets its rows in ``transcript_word``: the keyed hash, per person, of each folded word
it holds and of the word's prefixes (`storage.blind_index`). A search hashes its words
the same way for each person asked for, reads the entries holding every one of them,
latest first, then checks their opened text. Case and accents are folded
(« Téléphone » finds « telephone »), every word of a search is a prefix (« logem »
finds « logement »; a word of one or two letters is a whole word), and nothing typed
is ever read as an operator.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, insert, select, tuple_
from sqlmodel import Session

from storage.blind_index import BlindIndex, holds, term_of, words
from storage.enums import Channel, Direction
from storage.errors import StorageError
from storage.models import TranscriptEntry, TranscriptWord
from storage.rows import table_of
from storage.sealed import keyring_of

MAX_WORDS = 8
MAX_WORD_LENGTH = 50
NO_LIMIT = 2**31 - 1
"""Larger than any id (the id columns are 32-bit INTEGER on PostgreSQL)."""


class SearchUnavailable(StorageError):
    """The engine has no search key: its entries are not indexed and cannot be searched."""


def words_of(query: str) -> list[str]:
    """The words of a search, folded: letters and digits only (at most 8 words of 50
    characters); anything else separates words."""
    return [w[:MAX_WORD_LENGTH] for w in words(query)][:MAX_WORDS]


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
_WORD = table_of(TranscriptWord)
_INDEX = insert(_WORD)
_CANDIDATES = (
    select(_WORD.c.entry_id)
    .where(
        tuple_(_WORD.c.person_id, _WORD.c.digest).in_(bindparam("pairs", expanding=True)),
        _WORD.c.entry_id < bindparam("before"),
    )
    .group_by(_WORD.c.entry_id)
    .having(func.count() == bindparam("wanted"))
    .order_by(_WORD.c.entry_id.desc())
    .limit(bindparam("limit"))
)
_ENTRIES = (
    select(
        _ENTRY.c.id,
        _ENTRY.c.person_id,
        _ENTRY.c.at,
        _ENTRY.c.channel,
        _ENTRY.c.direction,
        _ENTRY.c.text,
    )
    .where(_ENTRY.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_ENTRY.c.id.desc())
)


def index_entries(connection: Connection, entries: Iterable[tuple[int, int, str]]) -> None:
    """Index entries given as ``(entry id, person id, text)`` (nothing without a search
    key: the engine writes in clear and indexes nothing, as it seals nothing)."""
    blind = _blind(connection)
    if blind is None:
        return
    rows = [
        {"person_id": person_id, "digest": digest, "entry_id": entry_id}
        for entry_id, person_id, text in entries
        for digest in blind.of_text(person_id, text)
    ]
    if rows:
        connection.execute(_INDEX, rows)


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
    wanted = words_of(query)
    if not wanted or not person_ids:
        return []
    connection = session.connection()
    blind = _blind(connection)
    if blind is None:
        raise SearchUnavailable("searching transcripts needs the search key of the service")
    terms = sorted({term_of(word) for word in wanted})
    pairs = [(p, blind.digest(p, t)) for p in dict.fromkeys(person_ids) for t in terms]
    hits: list[Hit] = []
    cursor = before if before is not None else NO_LIMIT
    while len(hits) < limit:
        asked = limit - len(hits)
        params = {"pairs": pairs, "before": cursor, "wanted": len(terms), "limit": asked}
        ids = [row[0] for row in connection.execute(_CANDIDATES, params)]
        if not ids:
            break
        found = (Hit(*row) for row in connection.execute(_ENTRIES, {"ids": ids}))
        # A term cut at 12 letters, or two words sharing a hash, may find an entry
        # that does not hold the word: its opened text says.
        hits += [hit for hit in found if holds(hit.text, wanted)]
        if len(ids) < asked:
            break
        cursor = ids[-1]
    return hits


def _blind(connection: Connection) -> BlindIndex | None:
    keyring = keyring_of(connection.dialect)
    return keyring.blind if keyring is not None else None
