"""The transcript is append-only, ordered, and refuses replayed inbound ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from storage.database import write_transaction
from storage.enums import Channel, Direction
from storage.errors import DuplicateInbound
from storage.models import TranscriptEntry
from storage.transcript import append_transcript, inbound_seen, recent_transcript

T0 = datetime(2025, 12, 3, 13, 30, tzinfo=UTC)


def said(person_id: int, text: str, inbound_id: str | None = None) -> TranscriptEntry:
    return TranscriptEntry(
        person_id=person_id,
        channel=Channel.TELEGRAM,
        direction=Direction.IN,
        text=text,
        payload={"event": "text", "text": text},
        inbound_id=inbound_id,
        at=T0,
    )


class TestTranscript:
    def test_an_inbound_id_is_seen_once_recorded(self, engine: Engine, person_id: int) -> None:
        with write_transaction(engine) as session:
            assert not inbound_seen(session, person_id, "telegram", "1001")
            append_transcript(session, [said(person_id, "bonjour", "1001")])
        with write_transaction(engine) as session:
            assert inbound_seen(session, person_id, Channel.TELEGRAM, "1001")
            assert not inbound_seen(session, person_id, Channel.KIOSK, "1001")

    def test_a_replayed_inbound_id_is_refused_and_nothing_of_its_transaction_is_kept(
        self, engine: Engine, person_id: int
    ) -> None:
        # The turn looks for the id first, under the person's lock; this is the last
        # safeguard, and the unit of work is then run again from the start.
        with write_transaction(engine) as session:
            append_transcript(session, [said(person_id, "oui", "1002")])
        with pytest.raises(DuplicateInbound), write_transaction(engine) as session:  # noqa: PT012
            append_transcript(session, [said(person_id, "avant", None)])
            append_transcript(session, [said(person_id, "oui", "1002")])
        with write_transaction(engine) as session:
            append_transcript(session, [said(person_id, "non", "1003")])
        with write_transaction(engine) as session:
            assert [e.text for e in recent_transcript(session, person_id)] == ["oui", "non"]

    def test_entries_without_inbound_id_never_collide(self, engine: Engine, person_id: int) -> None:
        with write_transaction(engine) as session:
            append_transcript(session, [said(person_id, "a"), said(person_id, "b")])
            append_transcript(session, [said(person_id, "c")])
        with write_transaction(engine) as session:
            assert len(recent_transcript(session, person_id)) == 3

    def test_recent_transcript_is_the_last_entries_in_chronological_order(
        self, engine: Engine, person_id: int
    ) -> None:
        with write_transaction(engine) as session:
            for n in range(5):
                entry = said(person_id, f"message {n}")
                entry.at = T0 + timedelta(minutes=n)
                append_transcript(session, [entry])
        with write_transaction(engine) as session:
            last = recent_transcript(session, person_id, limit=3)
        assert [e.text for e in last] == ["message 2", "message 3", "message 4"]
        assert last[0].payload == {"event": "text", "text": "message 2"}
        assert last[0].at == T0 + timedelta(minutes=2)
