"""Telegram updates are claimed once: a replay is recognised."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from storage.database import write_transaction
from storage.updates import claim_update

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BIG_UPDATE_ID = 2**40 + 7  # update ids outgrow 32 bits


def test_an_update_is_claimed_once_then_recognised(engine: Engine) -> None:
    with write_transaction(engine) as session:
        assert claim_update(session, BIG_UPDATE_ID, T0) is True
    with write_transaction(engine) as session:
        assert claim_update(session, BIG_UPDATE_ID, T0) is False
        # The refused replay left the transaction usable.
        assert claim_update(session, BIG_UPDATE_ID + 1, T0) is True
    with write_transaction(engine) as session:
        assert claim_update(session, BIG_UPDATE_ID + 1, T0) is False


def test_a_claim_rolled_back_is_not_kept(engine: Engine) -> None:
    class Crash(Exception):
        pass

    try:
        with write_transaction(engine) as session:
            claim_update(session, 42, T0)
            raise Crash
    except Crash:
        pass

    with write_transaction(engine) as session:
        assert claim_update(session, 42, T0) is True
