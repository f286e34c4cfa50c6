"""In-process locks in front of the database's own.

The database lock is what makes a turn safe across processes (`FOR UPDATE` on
PostgreSQL, `BEGIN IMMEDIATE` on SQLite). These locks only keep threads of one
process from queueing inside the database: SQLite's busy handler sleeps and
polls, so one writer at a time in-process keeps latency flat; on PostgreSQL
turns of different persons run in parallel and only one person's turns queue.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from weakref import WeakValueDictionary


class PersonLocks:
    def __init__(self, single_writer: bool) -> None:
        self._single_writer = single_writer
        self._global = threading.Lock()
        self._guard = threading.Lock()
        self._by_person: WeakValueDictionary[int, threading.Lock] = WeakValueDictionary()

    @contextmanager
    def hold(self, person_id: int) -> Iterator[None]:
        """Hold the lock that orders this person's turns in this process."""
        if self._single_writer:
            with self._global:
                yield
            return
        with self._guard:
            lock = self._by_person.get(person_id)
            if lock is None:
                lock = threading.Lock()
                self._by_person[person_id] = lock
        with lock:
            yield

    @contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the in-process write lock for a write that is not a turn (login, ...)."""
        if self._single_writer:
            with self._global:
                yield
        else:
            yield
