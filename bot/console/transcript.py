"""A person's transcript as the console pages it: the latest page first, older and
newer pages, a jump to a day, an entry shown among its neighbours (a search hit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.tx import Tx
from storage.enums import Channel, Direction
from storage.search import Hit
from storage.transcript_pages import (
    Shown,
    first_at_or_after,
    has_after,
    has_before,
    page_before,
    page_from,
)


def who_said(line: Shown | Hit) -> str:
    """person, filrouge, counsellor or system: who an entry is from (a login or a
    release is the system's, whatever channel carried it)."""
    if line.channel == Channel.COUNSELLOR:
        return "counsellor"
    if line.channel == Channel.SYSTEM or getattr(line, "event", None) == "system":
        return "system"
    return "person" if line.direction == Direction.IN else "filrouge"


@dataclass(frozen=True)
class TranscriptPage:
    lines: tuple[Shown, ...]
    older: int | None
    """The first entry shown, when there are older ones (the link `?before=`)."""
    newer: int | None
    """The last entry shown, when there are newer ones (the link `?after=`)."""
    focus: int | None = None
    """The entry asked for (`?around=`), when it is this person's."""
    day_empty: bool = False
    """A day was asked for, and nothing was said from then on: the latest page."""

    @property
    def latest(self) -> bool:
        return self.newer is None


def read_page(
    tx: Tx,
    person_id: int,
    size: int,
    *,
    timezone: str,
    before: int | None = None,
    after: int | None = None,
    day: date | None = None,
    around: int | None = None,
) -> TranscriptPage:
    """One page of the transcript, oldest first; the latest when nothing is asked."""
    session = tx.session
    focus: int | None = None
    day_empty = False
    if around is not None:
        earlier = page_before(session, person_id, around, size // 2)
        later = page_from(session, person_id, around, size - len(earlier))
        focus = around if later and later[0].id == around else None
        lines = (
            earlier + later if focus is not None else page_before(session, person_id, None, size)
        )
    elif day is not None:
        start = datetime.combine(day, time(0), ZoneInfo(timezone))
        first = first_at_or_after(session, person_id, start)
        day_empty = first is None
        lines = (
            page_before(session, person_id, None, size)
            if first is None
            else page_from(session, person_id, first, size)
        )
    elif after is not None:
        lines = page_from(session, person_id, after + 1, size)
    else:
        lines = page_before(session, person_id, before, size)
    older = lines[0].id if lines and has_before(session, person_id, lines[0].id) else None
    newer = lines[-1].id if lines and has_after(session, person_id, lines[-1].id) else None
    return TranscriptPage(tuple(lines), older, newer, focus, day_empty)


def lines_after(tx: Tx, person_id: int, after: int, limit: int) -> list[Shown]:
    """What was written after the entry `after` (the live update of an open page)."""
    return page_from(tx.session, person_id, after + 1, limit)
