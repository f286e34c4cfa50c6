"""A transcript by pages: the latest first, older ones before, a day, what came after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import select

from storage.database import write_transaction
from storage.enums import Channel, Direction
from storage.models import TranscriptEntry
from storage.persons import create_person
from storage.rows import id_of
from storage.transcript import Entry, append_transcript
from storage.transcript_pages import (
    first_at_or_after,
    has_after,
    has_before,
    page_before,
    page_from,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_pages_walk_the_transcript_of_one_person_only(
    engine: Engine, facility_id: int, person_id: int
) -> None:
    with write_transaction(engine) as session:
        other = id_of(create_person(session, facility_id, "P3X9TT", "Démo", "Autre", "fr", "h"))
        for n in range(10):
            append_transcript(
                session,
                [
                    Entry(person_id, T0 + timedelta(days=n), Channel.KIOSK, Direction.IN, f"m{n}"),
                    Entry(other, T0 + timedelta(days=n), Channel.KIOSK, Direction.IN, f"o{n}"),
                ],
            )
        mine = [
            id_of(e)
            for e in session.exec(
                select(TranscriptEntry).where(TranscriptEntry.person_id == person_id)
            ).all()
        ]
    with write_transaction(engine) as session:
        latest = page_before(session, person_id, None, 4)
        assert [line.text for line in latest] == ["m6", "m7", "m8", "m9"]
        older = page_before(session, person_id, latest[0].id, 4)
        assert [line.text for line in older] == ["m2", "m3", "m4", "m5"]
        assert has_before(session, person_id, older[0].id)
        assert not has_after(session, person_id, latest[-1].id)
        assert [line.text for line in page_from(session, person_id, mine[8], 4)] == ["m8", "m9"]
        third_day = first_at_or_after(session, person_id, T0 + timedelta(days=2, hours=-1))
        assert third_day == mine[2]
        assert first_at_or_after(session, person_id, T0 + timedelta(days=30)) is None
        assert latest[0].channel is Channel.KIOSK
        assert latest[0].direction is Direction.IN
