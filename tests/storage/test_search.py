"""Searching transcripts: every word, as a prefix, case and accents ignored, only in the
persons asked for (SQLite's FTS5 and PostgreSQL's tsvector, the same answers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import col, select

from storage.database import read_session, write_transaction
from storage.enums import Channel, Direction
from storage.models import TranscriptEntry
from storage.persons import create_person
from storage.search import search, words_of
from storage.transcript import Entry, append_transcript

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def write(engine: Engine, person_id: int, *texts: str) -> list[int]:
    entries = [
        Entry(person_id, T0 + timedelta(minutes=i), Channel.KIOSK, Direction.IN, text)
        for i, text in enumerate(texts)
    ]
    with write_transaction(engine) as session:
        append_transcript(session, entries)
        query = select(TranscriptEntry.id).where(TranscriptEntry.person_id == person_id)
        return [int(i or 0) for i in session.exec(query).all()][-len(texts) :]


def found(engine: Engine, person_ids: list[int], query: str, **kwargs: int) -> list[str]:
    with read_session(engine) as session:
        return [hit.text for hit in search(session, person_ids, query, **kwargs)]


class TestSearch:
    def test_accents_and_case_are_folded_both_ways(self, engine: Engine, person_id: int) -> None:
        write(engine, person_id, "Mon TÉLÉPHONE est perdu", "Je cherche un hébergement", "rien")
        assert found(engine, [person_id], "telephone") == ["Mon TÉLÉPHONE est perdu"]
        assert found(engine, [person_id], "Hébergement") == ["Je cherche un hébergement"]
        assert found(engine, [person_id], "HEBERGEMENT") == ["Je cherche un hébergement"]
        assert found(engine, [person_id], "Română țară") == []

    def test_every_word_is_needed_and_each_is_a_prefix(
        self, engine: Engine, person_id: int
    ) -> None:
        write(engine, person_id, "rendez-vous au logement social", "un logement", "social")
        assert found(engine, [person_id], "logem soc") == ["rendez-vous au logement social"]
        assert found(engine, [person_id], "rendez vous") == ["rendez-vous au logement social"]
        assert found(engine, [person_id], "logement") == [
            "un logement",
            "rendez-vous au logement social",
        ]

    def test_only_the_persons_asked_for_are_searched(
        self, engine: Engine, person_id: int, facility_id: int
    ) -> None:
        with write_transaction(engine) as session:
            other = create_person(session, facility_id, "P3X9TT", "Démo", "Autre", "fr", "h").id
        assert other is not None
        write(engine, person_id, "ma carte vitale")
        write(engine, other, "sa carte vitale")
        assert found(engine, [person_id], "vitale") == ["ma carte vitale"]
        assert found(engine, [other], "vitale") == ["sa carte vitale"]
        assert found(engine, [other, person_id], "vitale") == ["sa carte vitale", "ma carte vitale"]
        assert found(engine, [], "vitale") == []

    def test_results_come_latest_first_by_pages(self, engine: Engine, person_id: int) -> None:
        ids = write(engine, person_id, *(f"message {n} du CPIP" for n in range(5)))
        assert found(engine, [person_id], "cpip", limit=2) == [
            "message 4 du CPIP",
            "message 3 du CPIP",
        ]
        assert found(engine, [person_id], "cpip", limit=2, before=ids[3]) == [
            "message 2 du CPIP",
            "message 1 du CPIP",
        ]

    def test_arabic_and_romanian_words_are_found(self, engine: Engine, person_id: int) -> None:
        write(engine, person_id, "أريد بطاقة الهوية", "Am nevoie de o locuință", "autre")
        assert found(engine, [person_id], "الهوية") == ["أريد بطاقة الهوية"]
        assert found(engine, [person_id], "locuinta") == ["Am nevoie de o locuință"]

    def test_operators_typed_in_a_search_are_only_words(
        self, engine: Engine, person_id: int
    ) -> None:
        write(engine, person_id, "NEAR la porte", "OR et AND")
        assert found(engine, [person_id], 'porte" NEAR *') == ["NEAR la porte"]
        assert found(engine, [person_id], "(OR)") == ["OR et AND"]
        assert found(engine, [person_id], 'near" OR *') == []  # both words, in no message
        assert found(engine, [person_id], "') ; DROP TABLE x; --") == []
        assert found(engine, [person_id], "!!! &&& |||") == []
        assert words_of("l'appartement, 12h30 & co_op") == ["l", "appartement", "12h30", "co", "op"]

    def test_a_deleted_entry_is_no_longer_found(self, engine: Engine, person_id: int) -> None:
        write(engine, person_id, "secret à effacer")
        with write_transaction(engine) as session:
            session.execute(
                delete(TranscriptEntry).where(col(TranscriptEntry.person_id) == person_id)
            )
        assert found(engine, [person_id], "secret") == []
