"""Searching transcripts: every word, as a prefix, case and accents ignored, only in the
persons asked for, though the text is sealed (a blind index of keyed word hashes, the
same on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, text
from sqlmodel import col, select

from storage.database import make_engine, read_session, write_transaction
from storage.enums import Channel, Direction
from storage.models import TranscriptEntry
from storage.persons import create_person
from storage.resealing import reseal
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


class TestBlindIndex:
    """The index behind the search holds keyed hashes only, per person."""

    def test_the_index_holds_no_word_and_the_same_word_of_two_persons_differs(
        self, engine: Engine, db_url: str, person_id: int, facility_id: int
    ) -> None:
        with write_transaction(engine) as session:
            other = create_person(session, facility_id, "P4X9TT", "Démo", "Autre", "fr", "h").id
        assert other is not None
        write(engine, person_id, "vitale")
        write(engine, other, "vitale")

        raw = make_engine(db_url)
        try:
            with raw.connect() as connection:
                rows = connection.execute(
                    text("SELECT person_id, digest FROM transcript_word ORDER BY person_id")
                ).all()
        finally:
            raw.dispose()
        mine = {digest for who, digest in rows if who == person_id}
        theirs = {digest for who, digest in rows if who == other}
        assert all(isinstance(digest, int) for _, digest in rows)
        assert len(mine) == len(theirs) == 4  # vit, vita, vital, vitale
        assert not mine & theirs

    def test_a_long_word_is_found_whole_not_by_its_first_twelve_letters(
        self, engine: Engine, person_id: int
    ) -> None:
        write(engine, person_id, "un droit constitutionnel", "la constitutionnalité")
        assert found(engine, [person_id], "constitutionnel") == ["un droit constitutionnel"]
        assert found(engine, [person_id], "constitution") == [
            "la constitutionnalité",
            "un droit constitutionnel",
        ]

    def test_entries_written_before_the_index_are_found_once_rotate_sealed_them(
        self, engine: Engine, db_url: str, person_id: int
    ) -> None:
        raw = make_engine(db_url)  # no keys: an entry written before sealing existed
        try:
            write(raw, person_id, "écrit avant la mise à jour")
        finally:
            raw.dispose()
        write(engine, person_id, "écrit après la mise à jour")
        assert found(engine, [person_id], "mise jour") == ["écrit après la mise à jour"]

        list(reseal(engine))

        assert found(engine, [person_id], "mise jour") == [
            "écrit après la mise à jour",
            "écrit avant la mise à jour",
        ]
        list(reseal(engine))  # again: nothing indexed twice
        assert len(found(engine, [person_id], "avant")) == 1
