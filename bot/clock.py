"""Time, made explicit: aware UTC inside, Europe/Paris at the edges, movable in tests."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """A clock that tests set and move forward (no sleeping to wait for time)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("MovableClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def local_date(moment: datetime, timezone: str) -> date:
    """The date of `moment` where the person lives (Europe/Paris by default)."""
    return moment.astimezone(_zone(timezone)).date()


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
