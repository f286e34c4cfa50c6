"""The outbox: due rows in order, leased, held, retried, failed, or sent and then in the
transcript."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from storage.database import read_session, write_transaction
from storage.enums import Channel, Direction, Language
from storage.models import Outbox
from storage.outbox import Queued, claim_due, enqueue, mark_failed, mark_retry, mark_sent
from storage.transcript import recent_transcript

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
CHAT = 555001


def message(person_id: int | None, text: str) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "chat_id": CHAT,
        "payload": {"chat_id": CHAT, "text": text},
        "entry": {
            "text": text,
            "payload": {"output": "text"},
            "language": "ar",
            "flow_id": "accueil",
            "step_id": "bonjour",
        },
    }


def claim(engine: Engine, now: datetime, limit: int = 10) -> list[Queued]:
    with write_transaction(engine) as session:
        return claim_due(session, now, limit, lease_until=now + LEASE)


def texts(rows: list[Queued]) -> list[str]:
    return [row.payload["text"] for row in rows]


def test_due_messages_come_oldest_first_up_to_the_limit(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, t) for t in ("un", "deux", "trois")], now=T0)

    assert texts(claim(engine, T0, limit=2)) == ["un", "deux"]
    assert texts(claim(engine, T0)) == ["trois"]


def test_a_claimed_message_is_leased_and_comes_back_when_the_lease_ends(
    engine: Engine, person_id: int
) -> None:
    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, "un")], now=T0)
    assert texts(claim(engine, T0)) == ["un"]
    assert claim(engine, T0 + LEASE - timedelta(seconds=1)) == []  # another sender has it
    assert texts(claim(engine, T0 + LEASE)) == ["un"]  # that sender died: not lost


def test_held_messages_are_for_their_writer_until_the_hold_ends(
    engine: Engine, person_id: int
) -> None:
    with write_transaction(engine) as session:
        [held] = enqueue(session, [message(person_id, "à moi")], now=T0, held_until=T0 + LEASE)
    assert held.id > 0
    assert held.attempts == 0
    assert claim(engine, T0) == []
    assert texts(claim(engine, T0 + LEASE)) == ["à moi"]


def test_a_retried_message_waits_and_keeps_its_error(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, "un")], now=T0)
    (row,) = claim(engine, T0)
    with write_transaction(engine) as session:
        mark_retry(session, row.id, T0 + timedelta(seconds=30), "429: retry after 30")

    assert claim(engine, T0 + timedelta(seconds=29)) == []
    (again,) = claim(engine, T0 + timedelta(seconds=30))
    assert again.attempts == 1
    with read_session(engine) as session:
        stored = session.get(Outbox, row.id)
        assert stored is not None
        assert stored.last_error == "429: retry after 30"


def test_a_failed_message_is_never_due_again(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, "un")], now=T0)
    (row,) = claim(engine, T0)
    with write_transaction(engine) as session:
        mark_failed(session, [row.id], "403: bot was blocked by the user", T0)

    assert claim(engine, T0 + timedelta(days=1)) == []
    with write_transaction(engine) as session:
        assert recent_transcript(session, person_id) == []


def test_a_sent_message_leaves_the_queue_and_lands_in_the_transcript(
    engine: Engine, person_id: int
) -> None:
    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, "Bonjour Démo")], now=T0)
    sent_at = T0 + timedelta(seconds=2)
    (row,) = claim(engine, sent_at)
    with write_transaction(engine) as session:
        assert mark_sent(session, [(row, 9001)], sent_at) == 1

    assert claim(engine, sent_at + LEASE) == []
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


def test_a_message_sent_twice_after_a_lost_lease_is_recorded_once(
    engine: Engine, person_id: int
) -> None:
    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, "un")], now=T0)
    (first,) = claim(engine, T0)
    (second,) = claim(engine, T0 + LEASE)  # the first sender was too slow
    with write_transaction(engine) as session:
        assert mark_sent(session, [(second, 2)], T0 + LEASE) == 1
    with write_transaction(engine) as session:
        assert mark_sent(session, [(first, 1)], T0 + LEASE) == 0
        assert len(recent_transcript(session, person_id)) == 1


def test_an_answer_to_someone_not_linked_is_sent_and_kept_out_of_every_transcript(
    engine: Engine, person_id: int
) -> None:
    with write_transaction(engine) as session:
        enqueue(session, [message(None, "Reliez ce téléphone")], now=T0)
    (row,) = claim(engine, T0)
    with write_transaction(engine) as session:
        assert mark_sent(session, [(row, 7)], T0) == 1
        assert recent_transcript(session, person_id) == []


def test_a_crash_before_commit_keeps_the_message_unsent(engine: Engine, person_id: int) -> None:
    class Crash(Exception):
        pass

    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, "un")], now=T0)

    def send_then_crash() -> None:
        with write_transaction(engine) as session:
            (row,) = claim_due(session, T0, 10, lease_until=T0 + LEASE)
            mark_sent(session, [(row, 9001)], T0)
            raise Crash

    with pytest.raises(Crash):
        send_then_crash()

    assert texts(claim(engine, T0)) == ["un"]
    with write_transaction(engine) as session:
        assert recent_transcript(session, person_id) == []


def test_concurrent_senders_claim_disjoint_rows_on_postgresql(
    engine: Engine, person_id: int
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: there is no concurrent claim")
    with write_transaction(engine) as session:
        enqueue(session, [message(person_id, str(n)) for n in range(4)], now=T0)

    with write_transaction(engine) as first, write_transaction(engine) as second:
        claimed_first = [row.id for row in claim_due(first, T0, 2, lease_until=T0 + LEASE)]
        claimed_second = [row.id for row in claim_due(second, T0, 10, lease_until=T0 + LEASE)]

    assert len(claimed_first) == 2
    assert len(claimed_second) == 2
    assert set(claimed_first).isdisjoint(claimed_second)
