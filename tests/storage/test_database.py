"""Transactions: all or nothing, one turn at a time per person, clear busy errors."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.conversation import load_state, save_state
from storage.database import (
    check_database,
    lock_person,
    make_engine,
    read_session,
    write_transaction,
)
from storage.errors import DatabaseUnavailable, NotFound
from storage.migrate import upgrade
from storage.persons import create_facility, create_person, get_person

HOLD = 0.05  # seconds a turn keeps its lock, so that concurrent turns overlap


def one_turn(engine: Engine, person_id: int, hold: float = HOLD) -> None:
    """What the bot does per turn: lock, load, think (hold), save."""
    with write_transaction(engine) as session:
        lock_person(session, person_id)
        data, version = load_state(session, person_id)
        time.sleep(hold)
        turns = (data or {}).get("turns", 0)
        save_state(session, person_id, {"turns": turns + 1}, expected_version=version)


def run_in_threads(count: int, target: object, *args: object) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run() -> None:
        start.wait()
        try:
            target(*args)  # type: ignore[operator]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


class TestTransactions:
    def test_a_failing_transaction_saves_nothing(self, engine: Engine, person_id: int) -> None:
        def crashing_turn() -> None:
            with write_transaction(engine) as session:
                save_state(session, person_id, {"step": "lost"}, expected_version=0)
                raise RuntimeError("engine crashed")

        with pytest.raises(RuntimeError, match="engine crashed"):
            crashing_turn()
        with write_transaction(engine) as session:
            assert load_state(session, person_id) == (None, 0)

    def test_concurrent_turns_of_one_person_run_one_after_the_other(
        self, engine: Engine, person_id: int
    ) -> None:
        errors = run_in_threads(4, one_turn, engine, person_id)
        assert errors == []
        with write_transaction(engine) as session:
            assert load_state(session, person_id) == ({"turns": 4}, 4)

    def test_a_committed_turn_is_visible_to_readers(self, engine: Engine, person_id: int) -> None:
        one_turn(engine, person_id, hold=0)
        with read_session(engine) as session:
            assert load_state(session, person_id) == ({"turns": 1}, 1)

    def test_locking_an_unknown_person_is_refused(self, engine: Engine) -> None:
        with pytest.raises(NotFound), write_transaction(engine) as session:
            lock_person(session, 999)

    def test_a_live_database_passes_the_health_check(self, engine: Engine) -> None:
        assert check_database(engine)


def test_two_sqlite_write_transactions_wait_for_each_other_instead_of_failing(
    tmp_path: Path,
) -> None:
    # Deferred transactions would both read, then one would fail to upgrade
    # to a writer with "database is locked"; BEGIN IMMEDIATE serializes them.
    url = f"sqlite:///{tmp_path / 'f.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with write_transaction(engine) as session:
            facility = create_facility(session, "F", "F")
            person = create_person(session, facility.id or 0, "C1", "A", "B", "fr", "h")
        errors = run_in_threads(2, one_turn, engine, person.id or 0, 0.2)
        assert errors == []
        with write_transaction(engine) as session:
            assert load_state(session, person.id or 0) == ({"turns": 2}, 2)
    finally:
        engine.dispose()


def test_a_locked_sqlite_database_raises_database_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    engine = make_engine(f"sqlite:///{path}", sqlite_busy_timeout_ms=50)
    try:
        with pytest.raises(DatabaseUnavailable, match="nothing was saved"):  # noqa: SIM117
            with write_transaction(engine) as session:
                get_person(session, 1)
    finally:
        engine.dispose()
        holder.rollback()
        holder.close()


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-directory/filrouge.db",
        "postgresql://postgres@127.0.0.1:9/filrouge",  # discard port: nothing listens
    ],
)
def test_an_unreachable_database_fails_the_health_check(url: str) -> None:
    engine = make_engine(url)
    try:
        assert not check_database(engine)
    finally:
        engine.dispose()
