"""Console sessions: only a hash is stored, a session is read with its account, ended
sessions and the sessions of a disabled account no longer open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import select

from storage.console_sessions import (
    create_console_session,
    end_console_session,
    end_sessions_of,
    open_console_session,
    touch_console_session,
)
from storage.counsellors import (
    create_counsellor,
    disable_counsellor,
    register_failed_login,
    reset_failed_logins,
)
from storage.database import write_transaction
from storage.models import ConsoleSession, Counsellor
from storage.rows import id_of

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def account(engine: Engine, facility_id: int, login: str = "cpip.test") -> int:
    with write_transaction(engine) as session:
        return id_of(create_counsellor(session, facility_id, login, "CPIP test", "h", "cpip"))


class TestConsoleSessions:
    def test_the_token_is_not_stored_and_opens_its_session_with_the_account(
        self, engine: Engine, facility_id: int
    ) -> None:
        who = account(engine, facility_id)
        with write_transaction(engine) as session:
            new = create_console_session(session, who, T0)
        with write_transaction(engine) as session:
            stored = session.exec(select(ConsoleSession)).one()
            found = open_console_session(session, new.raw_token)
            assert open_console_session(session, new.raw_token + "x") is None
        assert new.raw_token not in stored.token_hash
        assert found is not None
        assert (found.counsellor_id, found.login, found.csrf_token) == (
            who,
            "cpip.test",
            new.csrf_token,
        )
        assert found.last_seen_at == T0
        assert found.disabled_at is None

    def test_touching_moves_the_idle_clock_and_ending_closes_it(
        self, engine: Engine, facility_id: int
    ) -> None:
        who = account(engine, facility_id)
        with write_transaction(engine) as session:
            new = create_console_session(session, who, T0)
            touch_console_session(session, new.id, T0 + timedelta(minutes=5))
        with write_transaction(engine) as session:
            found = open_console_session(session, new.raw_token)
            assert found is not None
            assert found.last_seen_at == T0 + timedelta(minutes=5)
            assert end_console_session(session, new.raw_token, T0) == who
            assert end_console_session(session, new.raw_token, T0) is None
            assert open_console_session(session, new.raw_token) is None

    def test_a_disabled_account_has_its_sessions_ended(
        self, engine: Engine, facility_id: int
    ) -> None:
        who = account(engine, facility_id)
        with write_transaction(engine) as session:
            first = create_console_session(session, who, T0)
            second = create_console_session(session, who, T0)
            assert disable_counsellor(session, who, T0)
            assert not disable_counsellor(session, who, T0)
            found = open_console_session(session, first.raw_token)
            assert found is not None
            assert found.disabled_at == T0
            end_sessions_of(session, who, T0)
            assert open_console_session(session, first.raw_token) is None
            assert open_console_session(session, second.raw_token) is None


class TestLockout:
    def test_an_account_is_locked_at_the_limit_and_counting_starts_again_after(
        self, engine: Engine, facility_id: int
    ) -> None:
        who = account(engine, facility_id)
        lock = timedelta(minutes=15)
        with write_transaction(engine) as session:
            for _ in range(2):
                assert (
                    register_failed_login(session, who, max_attempts=3, lockout=lock, now=T0)
                    is None
                )
            assert (
                register_failed_login(session, who, max_attempts=3, lockout=lock, now=T0)
                == T0 + lock
            )
            stored = session.get(Counsellor, who)
            assert stored is not None
            session.refresh(stored)
            assert (stored.failed_logins, stored.locked_until) == (0, T0 + lock)
            reset_failed_logins(session, who)
            session.refresh(stored)
            assert (stored.failed_logins, stored.locked_until) == (0, None)
