"""The Telegram inbox: updates kept until handled, each handled once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from storage.database import read_session, write_transaction
from storage.inbox import claim_update, pending_updates, store_updates

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BIG_UPDATE_ID = 2**40 + 7  # update ids outgrow 32 bits


def pending(engine: Engine) -> list[tuple[int, str]]:
    with read_session(engine) as session:
        return pending_updates(session)


def test_stored_updates_wait_in_order_until_each_is_claimed(engine: Engine) -> None:
    with write_transaction(engine) as session:
        store_updates(session, [(12, '{"b": 2}'), (11, '{"a": 1}')], T0)
    assert pending(engine) == [(11, '{"a": 1}'), (12, '{"b": 2}')]
    with write_transaction(engine) as session:
        assert claim_update(session, 11, T0) is True
    assert pending(engine) == [(12, '{"b": 2}')]


def test_an_update_stored_twice_is_kept_once_and_a_handled_one_is_not_stored_again(
    engine: Engine,
) -> None:
    with write_transaction(engine) as session:
        store_updates(session, [(1, "{}")], T0)
        store_updates(session, [(1, "{}"), (2, "{}")], T0)
    with write_transaction(engine) as session:
        assert claim_update(session, 1, T0) is True
    with write_transaction(engine) as session:  # getUpdates after a restart gives it again
        store_updates(session, [(1, "{}")], T0)
    assert [i for i, _ in pending(engine)] == [2]


def test_an_update_is_claimed_once_then_recognised(engine: Engine) -> None:
    # A webhook update is claimed without having been stored first.
    with write_transaction(engine) as session:
        assert claim_update(session, BIG_UPDATE_ID, T0) is True
    with write_transaction(engine) as session:
        assert claim_update(session, BIG_UPDATE_ID, T0) is False
        # The refused replay left the transaction usable.
        assert claim_update(session, BIG_UPDATE_ID + 1, T0) is True
    with write_transaction(engine) as session:
        assert claim_update(session, BIG_UPDATE_ID + 1, T0) is False
    assert pending(engine) == []


def test_a_claim_rolled_back_is_not_kept(engine: Engine) -> None:
    class Crash(Exception):
        pass

    with write_transaction(engine) as session:
        store_updates(session, [(41, "{}")], T0)
    for update_id in (41, 42):
        try:
            with write_transaction(engine) as session:
                claim_update(session, update_id, T0)
                raise Crash
        except Crash:
            pass
    assert [i for i, _ in pending(engine)] == [41]  # still to handle
    with write_transaction(engine) as session:
        assert claim_update(session, 41, T0) is True
        assert claim_update(session, 42, T0) is True
