"""Sealed columns: what people said, answered and were sent, and counsellors' notes,
read back through the service's engine, and a copy of the database shows only
ciphertext, bound to its column."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from storage.conversation import load_state, save_state
from storage.counsellors import create_counsellor
from storage.database import make_engine, read_session, write_transaction
from storage.enums import Channel, Direction
from storage.inbox import pending_updates, store_updates
from storage.models import TranscriptEntry
from storage.notes import add_note, notes_of
from storage.outbox import claim_due, enqueue
from storage.resealing import census, check_keys, reseal
from storage.rows import id_of
from storage.sealed import Keyring, SealedColumnQueried, SealedUnreadable
from storage.transcript import Entry, append_transcript, recent_lines, recent_transcript
from tests.storage.conftest import KEYRING

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
WORDS = "Mon dossier 4471-ZX, je dors chez ma sœur"
K1 = Keyring("k1", {"k1": bytes(range(100, 132))})


@pytest.fixture
def raw(db_url: str) -> Iterator[Engine]:
    """The same database without keys: what a stolen copy gives."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def said(person_id: int, words: str = WORDS) -> Entry:
    return Entry(
        person_id=person_id,
        at=T0,
        channel=Channel.KIOSK,
        direction=Direction.IN,
        text=words,
        payload={"event": "said", "text": words},
    )


def stored(raw: Engine, sql: str) -> list[str]:
    with raw.connect() as connection:
        return [str(value) for row in connection.execute(text(sql)) for value in row]


def test_what_is_written_reads_back_and_the_database_holds_only_ciphertext(
    engine: Engine, raw: Engine, person_id: int, facility_id: int
) -> None:
    with write_transaction(engine) as session:
        cpip = id_of(create_counsellor(session, facility_id, "cpip.a", "CPIP A", "h", "cpip"))
        add_note(session, person_id, cpip, WORDS, T0)
        append_transcript(session, [said(person_id)])
        save_state(session, person_id, {"answers": {"cv.metier": WORDS}}, 0, now=T0)
        enqueue(
            session,
            [{"person_id": person_id, "chat_id": 5, "payload": {"text": WORDS}, "entry": {}}],
            now=T0,
        )
        update = json.dumps({"message": {"text": WORDS}}, ensure_ascii=False)
        store_updates(session, [(77, update)], T0)

    with read_session(engine) as session:
        [entry] = recent_transcript(session, person_id)
        assert (entry.text, entry.payload["text"]) == (WORDS, WORDS)
        assert load_state(session, person_id)[0] == {"answers": {"cv.metier": WORDS}}
        assert WORDS in pending_updates(session)[0][1]
        assert [note.text for note in notes_of(session, person_id)] == [WORDS]
    with write_transaction(engine) as session:
        assert claim_due(session, T0, 5, lease_until=T0)[0].payload == {"text": WORDS}

    values = stored(
        raw,
        "SELECT text, payload FROM transcript_entry UNION ALL "
        "SELECT data, '' FROM conversation_state UNION ALL "
        "SELECT payload, entry FROM outbox UNION ALL "
        "SELECT payload, '' FROM telegram_update UNION ALL "
        "SELECT text, '' FROM counsellor_note",
    )
    assert not [v for v in values if "4471" in v]
    assert all(v.startswith("$s1$t1$") for v in values if v)


def test_a_page_reads_what_it_shows_from_the_sealed_payload(engine: Engine, person_id: int) -> None:
    card = {"output": "appointment", "buttons": [{"value": "appt:3:yes"}, {"value": "appt:3:no"}]}
    pressed = {"event": "pressed", "value": "css"}
    with write_transaction(engine) as session:
        append_transcript(
            session,
            [
                Entry(person_id, T0, Channel.KIOSK, Direction.OUT, "Rendez-vous", card),
                Entry(person_id, T0, Channel.KIOSK, Direction.IN, "La CSS", pressed),
            ],
        )
    with read_session(engine) as session:
        lines = recent_lines(session, person_id, 10)
    assert [(line.output, line.value, line.card) for line in lines] == [
        ("appointment", None, ("appt:3:yes", "appt:3:no")),
        (None, "css", ()),
    ]


def test_a_sealed_value_moved_to_another_column_does_not_open(
    engine: Engine, raw: Engine, person_id: int
) -> None:
    with write_transaction(engine) as session:
        append_transcript(session, [said(person_id)])
    with raw.begin() as connection:
        connection.execute(text("UPDATE transcript_entry SET payload = text"))

    with read_session(engine) as session, pytest.raises(SealedUnreadable, match="payload"):
        recent_transcript(session, person_id)


def test_an_altered_sealed_value_does_not_open(engine: Engine, raw: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        append_transcript(session, [said(person_id)])
    [value] = stored(raw, "SELECT text FROM transcript_entry")
    flipped = value[:20] + ("A" if value[20] != "A" else "B") + value[21:]
    with raw.begin() as connection:
        connection.execute(text("UPDATE transcript_entry SET text = :v"), {"v": flipped})

    with read_session(engine) as session, pytest.raises(SealedUnreadable, match="altered"):
        recent_transcript(session, person_id)


def test_values_written_before_sealing_read_as_they_are(
    engine: Engine, raw: Engine, person_id: int
) -> None:
    with write_transaction(raw) as session:  # no keys: written in clear, as before
        append_transcript(session, [said(person_id, "écrit avant")])
    assert stored(raw, "SELECT text FROM transcript_entry") == ["écrit avant"]

    with read_session(engine) as session:
        [entry] = recent_transcript(session, person_id)
    assert (entry.text, entry.payload["text"]) == ("écrit avant", "écrit avant")


def test_a_value_sealed_with_a_key_not_configured_names_the_key(
    engine: Engine, db_url: str, person_id: int
) -> None:
    with write_transaction(engine) as session:
        append_transcript(session, [said(person_id)])
    other = make_engine(db_url, keyring=K1)
    try:
        with read_session(other) as session, pytest.raises(SealedUnreadable) as raised:
            recent_transcript(session, person_id)
        assert "sealed with the data key 't1', which is not configured" in str(raised.value)
        assert "'t1'" in str(check_keys(other))
    finally:
        other.dispose()
    assert check_keys(engine) is None


def test_a_query_that_compares_a_sealed_column_is_refused_when_built() -> None:
    with pytest.raises(SealedColumnQueried, match="read the rows and look at the values"):
        _ = TranscriptEntry.text == WORDS  # SQL would compare ciphertext: never true


def test_rotation_seals_everything_under_the_new_key_and_the_old_one_can_go(
    engine: Engine, raw: Engine, db_url: str, person_id: int
) -> None:
    with write_transaction(raw) as session:
        append_transcript(session, [said(person_id, "en clair")])
    with write_transaction(engine) as session:
        append_transcript(session, [said(person_id, f"scellé {n}") for n in range(5)])
        save_state(session, person_id, {"answers": {"cv": "maçon"}}, 0, now=T0)
    both = Keyring("k1", {"k1": K1.keys["k1"], "t1": KEYRING.keys["t1"]})
    rotating = make_engine(db_url, keyring=both)
    only_new = make_engine(db_url, keyring=K1)
    try:
        assert census(rotating)["transcript_entry"] == {"t1": 10, None: 2}

        done = {r.table: r for r in reseal(rotating, batch=2)}  # several batches
        again = {r.table: r for r in reseal(rotating, batch=2)}

        entries = done["transcript_entry"]
        assert (entries.resealed, entries.sealed, entries.current) == ({"t1": 10}, 2, 0)
        assert again["transcript_entry"].current == 12
        assert not again["transcript_entry"].resealed
        assert all(set(c) <= {"k1"} for c in census(rotating).values())
        with read_session(only_new) as session:
            texts = [e.text for e in recent_transcript(session, person_id)]
            assert load_state(session, person_id)[0] == {"answers": {"cv": "maçon"}}
        assert texts == ["en clair", *(f"scellé {n}" for n in range(5))]
    finally:
        rotating.dispose()
        only_new.dispose()
