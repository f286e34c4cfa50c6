"""The sealed rows of a database, walked: re-sealed under the current data key
(`filrouge keys rotate`), counted by key, or sampled to check the keys open them.

Entries of the transcript found in clear were written before its search index
existed: they are indexed as they are sealed (the index has no other way in).

Re-sealing goes row by row in short transactions of a batch each, so it runs beside
the service: a row the service changed meanwhile is left as the service wrote it
(sealed with the current key, once every process has the new keys). Running it
twice does no harm: the second time finds every value under the current key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Engine, Table, Text, bindparam, select, type_coerce, update
from sqlmodel import SQLModel

from storage.database import read_session, write_transaction
from storage.models import TranscriptEntry
from storage.sealed import Keyring, SealedJSON, SealedText, SealedUnreadable, key_id_of, keyring_of
from storage.search import index_entries

BATCH = 200


@dataclass(frozen=True)
class Resealed:
    """What re-sealing did to one table's rows."""

    table: str
    resealed: Counter[str]
    """Values moved to the current key, by the key they were under."""
    sealed: int = 0
    """Values that were in clear, sealed now."""
    current: int = 0
    """Values already under the current key."""
    changed: int = 0
    """Rows the service changed meanwhile, left as it wrote them."""


def sealed_tables() -> list[tuple[Table, list[Column[Any]]]]:
    """Every table with sealed columns, with them (in the order of the models)."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, SealedText | SealedJSON)]
        if columns:
            found.append((table, columns))
    return found


def reseal(engine: Engine, batch: int = BATCH) -> Iterator[Resealed]:
    """Seal every sealed column's values under the current key, table by table (each
    reported when done). Values in clear are sealed; other keys' are opened and sealed
    again. Raises :class:`SealedUnreadable` for a value no key here opens."""
    keyring = _keyring(engine)
    for table, columns in sealed_tables():
        yield _reseal_table(engine, keyring, table, columns, batch)


def census(engine: Engine) -> dict[str, Counter[str | None]]:
    """How many values of each table are under each key (None: in clear); NULLs aside."""
    counts: dict[str, Counter[str | None]] = {}
    with read_session(engine) as session:
        for table, columns in sealed_tables():
            counted: Counter[str | None] = Counter()
            query = select(*(type_coerce(c, Text) for c in columns))
            for row in session.connection().execute(query):
                counted.update(key_id_of(v) for v in row if v is not None)
            counts[table.name] = counted
    return counts


def check_keys(engine: Engine) -> str | None:
    """Whether the engine's keys open the oldest and the newest value of each sealed
    column (a cheap check at start, not a proof): None if so, else why not."""
    keyring = keyring_of(engine.dialect)
    with read_session(engine) as session:
        for table, columns in sealed_tables():
            key = _key_of(table)
            for order in (key.asc(), key.desc()):
                query = select(*(type_coerce(c, Text) for c in columns)).order_by(order).limit(1)
                row = session.connection().execute(query).first()
                for column, value in zip(columns, row or (), strict=False):
                    if value is None or key_id_of(value) is None:
                        continue
                    try:
                        if keyring is None:
                            raise SealedUnreadable(
                                f"{table.name} holds sealed values and no data key is set"
                            )
                        keyring.open(value, _purpose(column))
                    except SealedUnreadable as error:
                        return str(error)
    return None


def _reseal_table(
    engine: Engine, keyring: Keyring, table: Table, columns: list[Column[Any]], batch: int
) -> Resealed:
    key = _key_of(table)
    # Entries in clear were written before the search index: indexed as they are sealed.
    entries = table.name == TranscriptEntry.__tablename__
    shown = [key, *(type_coerce(c, Text) for c in columns)]
    if entries:
        shown.append(table.c.person_id)
    page = select(*shown).where(key > bindparam("after")).order_by(key).limit(batch)
    first = select(*shown).order_by(key).limit(batch)
    resealed: Counter[str] = Counter()
    sealed = current = changed = 0
    after: Any = None
    while True:
        with write_transaction(engine) as session:
            connection = session.connection()
            if after is None:
                rows = connection.execute(first).all()
            else:
                rows = connection.execute(page, {"after": after}).all()
            for row in rows:
                news: dict[str, str] = {}
                olds: dict[str, str] = {}
                opened: dict[str, str] = {}
                for column, value in zip(columns, row[1 : 1 + len(columns)], strict=True):
                    was = None if value is None else key_id_of(value)
                    if value is None or was == keyring.current:
                        current += value is not None
                        continue
                    purpose = _purpose(column)
                    opened[column.name] = keyring.open(value, purpose)
                    news[column.name] = keyring.seal(opened[column.name], purpose)
                    olds[column.name] = value
                    if was is None:
                        sealed += 1
                    else:
                        resealed[was] += 1
                if not news:
                    continue
                if connection.execute(_update(table, key, row[0], news, olds)).rowcount != 1:
                    changed += 1
                elif entries and "text" in olds and key_id_of(olds["text"]) is None:
                    index_entries(connection, [(row[0], row[-1], opened["text"])])
        if len(rows) < batch:
            return Resealed(table.name, resealed, sealed, current, changed)
        after = rows[-1][0]


def _update(
    table: Table, key: Column[Any], which: Any, news: dict[str, str], olds: dict[str, str]
) -> Any:
    """UPDATE one row's values to `news`, if they are still `olds` (raw text both ways:
    the column types would seal again what is already sealed)."""
    guards = [type_coerce(table.c[name], Text) == old for name, old in olds.items()]
    values = {table.c[name]: type_coerce(new, Text) for name, new in news.items()}
    return update(table).where(key == which, *guards).values(values)


def _key_of(table: Table) -> Column[Any]:
    [key] = table.primary_key.columns
    return key


def _purpose(column: Column[Any]) -> str:
    sealing = column.type
    assert isinstance(sealing, SealedText | SealedJSON)  # noqa: S101  (sealed_tables chose it)
    return sealing.purpose


def _keyring(engine: Engine) -> Keyring:
    keyring = keyring_of(engine.dialect)
    if keyring is None:
        raise SealedUnreadable("re-sealing needs the data keys: the engine has none")
    return keyring
