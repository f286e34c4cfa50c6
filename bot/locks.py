"""The in-process writer lock in front of the database's own.

What makes a turn safe across processes is the database: `SELECT ... FOR
UPDATE` on the person's row on PostgreSQL, `BEGIN IMMEDIATE` on SQLite. This
lock only keeps the threads of one process from queueing *inside* SQLite,
whose busy handler sleeps and polls: one writer at a time in-process keeps
latency flat. On PostgreSQL writers run in parallel and it does nothing.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class WriterLock:
    def __init__(self, single_writer: bool) -> None:
        self._lock: threading.Lock | None = threading.Lock() if single_writer else None

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for one write transaction."""
        with self._lock if self._lock is not None else contextlib.nullcontext():
            yield
