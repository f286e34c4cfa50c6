"""The outbox: due rows in order, retried, failed, or sent and then in the transcript."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from storage.database import write_transaction
from storage.enums import Channel, Direction, Language
from storage.models import Outbox
from storage.outbox import due_messages, enqueue, mark_failed, mark_retry, mark_sent
from storage.transcript import recent_transcript

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CHAT = 555001


def message(person_id: int, text: str, not_before: datetime = T0) -> Outbox:
    return Outbox(
        person_id=person_id,
        chat_id=CHAT,
        payload={"chat_id": CHAT, "text": text},
        entry={
            "text": text,
            "payload": {"output": "text"},
            "language": "ar",
            "flow_id": "accueil",
            "step_id": "bonjour",
        },
        created_at=T0,
        not_before=not_before,
    )


def due_texts(engine: Engine, now: datetime, limit: int = 10) -> list[str]:
    with write_transaction(engine) as session:
        return [row.payload["text"] for row in due_messages(session, now, limit)]


def test_due_messages_come_oldest_first_up_to_the_limit(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, t) for t in ("un", "deux", "trois")])

    assert due_texts(engine, T0) == ["un", "deux", "trois"]
    assert due_texts(engine, T0, limit=2) == ["un", "deux"]


def test_a_message_is_not_due_before_its_not_before(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, "plus tard", T0 + timedelta(minutes=1))])

    assert due_texts(engine, T0) == []
    assert due_texts(engine, T0 + timedelta(minutes=1)) == ["plus tard"]


def test_a_retried_message_waits_and_keeps_its_error(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, "un")])
    with write_transaction(engine) as session:
        (row,) = due_messages(session, T0, 10)
        mark_retry(session, row, T0 + timedelta(seconds=30), "429: retry after 30")

    assert due_texts(engine, T0 + timedelta(seconds=29)) == []
    with write_transaction(engine) as session:
        (row,) = due_messages(session, T0 + timedelta(seconds=30), 10)
        assert row.attempts == 1
        assert row.last_error == "429: retry after 30"


def test_a_failed_message_is_never_due_again(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, "un")])
    with write_transaction(engine) as session:
        (row,) = due_messages(session, T0, 10)
        mark_failed(session, row, "403: bot was blocked by the user", T0)

    assert due_texts(engine, T0 + timedelta(days=1)) == []
    with write_transaction(engine) as session:
        assert recent_transcript(session, person_id) == []


def test_a_sent_message_leaves_the_queue_and_lands_in_the_transcript(
    engine: Engine, person_id: int
) -> None:
    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, "Bonjour Démo")])
    sent_at = T0 + timedelta(seconds=2)
    with write_transaction(engine) as session:
        (row,) = due_messages(session, sent_at, 10)
        mark_sent(session, row, 9001, sent_at)

    assert due_texts(engine, sent_at) == []
    with write_transaction(engine) as session:
        (entry,) = recent_transcript(session, person_id)
        stored = session.get(Outbox, row.id)
    assert (entry.channel, entry.direction) == (Channel.TELEGRAM, Direction.OUT)
    assert (entry.text, entry.language, entry.at) == ("Bonjour Démo", Language.AR, sent_at)
    assert (entry.flow_id, entry.step_id, entry.payload) == (
        "accueil",
        "bonjour",
        {"output": "text"},
    )
    assert stored is not None
    assert (stored.sent_at, stored.telegram_message_id, stored.attempts) == (sent_at, 9001, 1)


def test_a_crash_before_commit_keeps_the_message_unsent(engine: Engine, person_id: int) -> None:
    class Crash(Exception):
        pass

    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, "un")])

    def send_then_crash() -> None:
        with write_transaction(engine) as session:
            (row,) = due_messages(session, T0, 10)
            mark_sent(session, row, 9001, T0)
            raise Crash

    with pytest.raises(Crash):
        send_then_crash()

    assert due_texts(engine, T0) == ["un"]
    with write_transaction(engine) as session:
        assert recent_transcript(session, person_id) == []


def test_concurrent_senders_claim_disjoint_rows_on_postgresql(
    engine: Engine, person_id: int
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: there is no concurrent claim")
    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, str(n)) for n in range(4)])

    with write_transaction(engine) as first, write_transaction(engine) as second:
        claimed_first = [row.id for row in due_messages(first, T0, 2)]
        claimed_second = [row.id for row in due_messages(second, T0, 10)]

    assert len(claimed_first) == 2
    assert len(claimed_second) == 2
    assert set(claimed_first).isdisjoint(claimed_second)
