"""Engines and transactions: SQLite (embedded default) or PostgreSQL by URL.

Nothing is created at import time; the composition root calls
:func:`make_engine` once and passes the engine down.
"""

from __future__ import annotations

import logging
import sqlite3
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session, col, select

from storage.errors import DatabaseUnavailable, NotFound
from storage.models import Person
from storage.sealed import Keyring, attach

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
# Execution option read by the SQLite "begin" hook to choose the BEGIN mode.
_SQLITE_BEGIN = "filrouge_sqlite_begin"
_READ = "READ"  # no BEGIN at all: statements in autocommit, each its own snapshot


def make_engine(
    url: str,
    *,
    keyring: Keyring | None = None,
    echo: bool = False,
    sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
) -> Engine:
    """Create the engine for ``url`` (``sqlite:///path`` or ``postgresql://...``).

    ``keyring`` seals the sealed columns (`storage.sealed`) of what the engine
    writes and opens what it reads; without one they are written in clear.
    SQLite connections get WAL mode, foreign keys, ``synchronous=NORMAL`` and
    a busy timeout (how long a writer waits for another before giving up);
    a plain ``postgresql://`` URL uses psycopg 3.
    """
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, echo=echo)
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
    else:
        engine = create_engine(parsed, echo=echo, pool_pre_ping=True)
    attach(engine, keyring)
    return engine


_BUSY_TIMEOUTS: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    _BUSY_TIMEOUTS[engine] = busy_timeout_ms

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (below) instead of pysqlite, which
        # would otherwise start transactions late and never as IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            # What is deleted (an erased person, purged rows) is overwritten, not left
            # readable in free pages of the file.
            cursor.execute("PRAGMA secure_delete = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_SQLITE_BEGIN, "DEFERRED")
        if mode != _READ:  # a read needs no transaction of its own (below)
            connection.exec_driver_sql(f"BEGIN {mode}")


def is_sqlite(engine: Engine) -> bool:
    """Whether ``engine`` talks to SQLite (one writer at a time)."""
    return engine.dialect.name == "sqlite"


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Session]:
    """Yield a session in a transaction that will write; commit on success.

    On SQLite the transaction starts with ``BEGIN IMMEDIATE``: the write lock is
    taken up front, so concurrent turns wait their turn (up to the busy
    timeout) instead of failing when a reader upgrades to a writer. Any
    exception rolls everything back; a locked or unreachable database is
    raised as :class:`DatabaseUnavailable`.
    """
    bind = _mode(engine, "IMMEDIATE") if is_sqlite(engine) else engine
    with (
        _translated_errors(),
        Session(bind, expire_on_commit=False) as session,
        session.begin(),
    ):
        yield session


_MODES: weakref.WeakKeyDictionary[Engine, dict[str, Engine]] = weakref.WeakKeyDictionary()


def _mode(engine: Engine, mode: str) -> Engine:
    """The engine whose SQLite transactions begin in `mode`, made once per engine and
    mode (making it costs as much as the rest of a transaction)."""
    modes = _MODES.setdefault(engine, {})
    found = modes.get(mode)
    if found is None:
        found = modes[mode] = engine.execution_options(**{_SQLITE_BEGIN: mode})
    return found


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """Yield a session for reading; its transaction is rolled back at the end.

    On SQLite no BEGIN is sent: each statement reads a consistent snapshot of its
    own (WAL), which is what a page needs, and costs a round trip less.
    """
    bind = _mode(engine, _READ) if is_sqlite(engine) else engine
    with _translated_errors(), Session(bind, expire_on_commit=False) as session:
        yield session


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        _say_once(cause_of(exc))
        raise DatabaseUnavailable(str(exc.orig or exc)) from exc


_SAID: dict[str, float] = {}
_SAY_AGAIN_AFTER = 60.0


def _say_once(cause: str) -> None:
    """Log a database failure by its cause, once a minute at most: a full disk must be
    seen in the log, not flood it."""
    now = time.monotonic()
    if now - _SAID.get(cause, -_SAY_AGAIN_AFTER) >= _SAY_AGAIN_AFTER:
        _SAID[cause] = now
        log.error("database: a write or read failed: %s", cause)


def lock_person(session: Session, person_id: int) -> Person:
    """Read the person and serialize their turns until the end of the transaction.

    PostgreSQL takes ``SELECT ... FOR UPDATE`` on the person row. SQLite has
    no row locks and needs none: ``BEGIN IMMEDIATE`` already serialized the
    writers. Raises :class:`NotFound` when there is no such person.
    """
    query = select(Person).where(col(Person.id) == person_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    person = session.exec(query).first()
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    return person


def check_database(engine: Engine) -> bool:
    """Return whether the database answers ``SELECT 1`` (for health checks)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def probe_write(engine: Engine, wait_ms: int = 500) -> str | None:
    """Whether a write could start now: None if so, else why not, in a few words
    (locked, read-only, unreachable). Writes nothing: the transaction is rolled back.
    Waits at most `wait_ms` for another writer, whatever the service's own wait."""
    try:
        if is_sqlite(engine):
            _probe_sqlite(engine, wait_ms)
        else:
            with engine.connect() as connection:
                connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(wait_ms)}")
                readonly = connection.exec_driver_sql("SHOW transaction_read_only").scalar()
                connection.rollback()
                if readonly == "on":
                    return "read-only"
    except (SQLAlchemyError, sqlite3.Error) as error:
        return cause_of(error)
    return None


def _probe_sqlite(engine: Engine, wait_ms: int) -> None:
    """BEGIN IMMEDIATE then ROLLBACK on a pooled connection, with a short wait."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
        try:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("ROLLBACK")
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {_busy_timeout_of(engine)}")
            cursor.close()
    finally:
        raw.close()


def cause_of(error: BaseException) -> str:
    """A database error in a few words an administrator acts on."""
    text_ = str(getattr(error, "orig", None) or error).lower()
    for words, cause in _CAUSES:
        if any(w in text_ for w in words):
            return cause
    return "unreachable or failing"


_CAUSES = (
    (("disk is full", "no space left", "disk full"), "disk full"),
    (("readonly", "read-only", "read only"), "read-only"),
    (("locked", "busy", "statement timeout", "canceling statement"), "locked by another writer"),
    (("unable to open", "does not exist", "no such file"), "missing"),
)


def _busy_timeout_of(engine: Engine) -> int:
    return _BUSY_TIMEOUTS.get(engine, SQLITE_BUSY_TIMEOUT_MS)
