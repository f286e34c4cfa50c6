"""Link codes: single use, expiring, revocable; link attempts counted per account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from storage.database import write_transaction
from storage.errors import AlreadyTaken
from storage.linking import (
    failed_link_attempts,
    find_usable_code,
    issue_link_code,
    record_link_attempt,
    use_link_code,
)
from storage.models import LinkCode

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
IN_30_DAYS = T0 + timedelta(days=30)
HASH_A = "a" * 64
HASH_B = "b" * 64


def usable(engine: Engine, code_hash: str, now: datetime = T0) -> LinkCode | None:
    with write_transaction(engine) as session:
        return find_usable_code(session, code_hash, now)


class TestLinkCodes:
    def test_a_new_code_is_usable_until_it_expires(self, engine: Engine, person_id: int) -> None:
        with write_transaction(engine) as session:
            issue_link_code(session, person_id, HASH_A, IN_30_DAYS, T0)

        found = usable(engine, HASH_A)
        assert found is not None
        assert found.person_id == person_id
        assert found.expires_at == IN_30_DAYS
        assert usable(engine, HASH_A, IN_30_DAYS - timedelta(seconds=1)) is not None
        assert usable(engine, HASH_A, IN_30_DAYS) is None

    def test_a_code_is_usable_once(self, engine: Engine, person_id: int) -> None:
        with write_transaction(engine) as session:
            issue_link_code(session, person_id, HASH_A, IN_30_DAYS, T0)
        with write_transaction(engine) as session:
            code = find_usable_code(session, HASH_A, T0)
            assert code is not None
            use_link_code(session, code, "555001", T0)

        assert usable(engine, HASH_A) is None

    def test_an_unknown_code_is_not_usable(self, engine: Engine, person_id: int) -> None:
        assert usable(engine, HASH_B) is None

    def test_a_new_code_revokes_the_previous_unused_one(
        self, engine: Engine, person_id: int
    ) -> None:
        with write_transaction(engine) as session:
            first = issue_link_code(session, person_id, HASH_A, IN_30_DAYS, T0)
        with write_transaction(engine) as session:
            issue_link_code(session, person_id, HASH_B, IN_30_DAYS, T0 + timedelta(hours=1))

        assert usable(engine, HASH_A) is None
        assert usable(engine, HASH_B) is not None
        with write_transaction(engine) as session:
            revoked = session.get(LinkCode, first.id)
            assert revoked is not None
            assert revoked.revoked_at == T0 + timedelta(hours=1)

    def test_a_stored_hash_cannot_be_issued_twice_and_the_transaction_survives(
        self, engine: Engine, person_id: int
    ) -> None:
        with write_transaction(engine) as session:
            issue_link_code(session, person_id, HASH_A, IN_30_DAYS, T0)
        with write_transaction(engine) as session:
            with pytest.raises(AlreadyTaken, match="draw another"):
                issue_link_code(session, person_id, HASH_A, IN_30_DAYS, T0)
            issue_link_code(session, person_id, HASH_B, IN_30_DAYS, T0)

        assert usable(engine, HASH_B) is not None


class TestLinkAttempts:
    def test_only_failed_attempts_of_this_account_in_the_window_count(
        self, engine: Engine, person_id: int
    ) -> None:
        with write_transaction(engine) as session:
            record_link_attempt(session, "555001", False, T0 - timedelta(hours=2))
            record_link_attempt(session, "555001", False, T0)
            record_link_attempt(session, "555001", False, T0 + timedelta(minutes=5))
            record_link_attempt(session, "555001", True, T0 + timedelta(minutes=6))
            record_link_attempt(session, "777002", False, T0)

        with write_transaction(engine) as session:
            since = T0 + timedelta(minutes=10) - timedelta(hours=1)
            assert failed_link_attempts(session, "555001", since) == 2
            assert failed_link_attempts(session, "777002", since) == 1
            assert failed_link_attempts(session, "999003", since) == 0
