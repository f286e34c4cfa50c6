"""Kiosk sessions: created with a secret token, found by it, touched, ended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from storage.database import write_transaction
from storage.kiosk_sessions import (
    create_kiosk_session,
    end_kiosk_session,
    get_kiosk_session,
    hash_token,
    touch_kiosk_session,
)

T0 = datetime(2025, 12, 3, 13, 30, tzinfo=UTC)
IDLE = timedelta(minutes=3)


class TestKioskSessions:
    def test_a_session_lives_from_login_to_logout(self, engine: Engine, person_id: int) -> None:
        with write_transaction(engine) as session:
            token, created = create_kiosk_session(session, person_id, now=T0)
        assert created.token_hash == hash_token(token) != token
        with write_transaction(engine) as session:
            found = get_kiosk_session(session, token, idle_timeout=IDLE, now=T0)
            assert found is not None
            assert found.person_id == person_id
            assert found.csrf_token == created.csrf_token
            touch_kiosk_session(session, found, now=T0 + timedelta(minutes=2))
        with write_transaction(engine) as session:
            later = T0 + timedelta(minutes=4)
            found = get_kiosk_session(session, token, idle_timeout=IDLE, now=later)
            assert found is not None
            assert found.last_seen_at == T0 + timedelta(minutes=2)
            end_kiosk_session(session, found, now=later)
        with write_transaction(engine) as session:
            assert get_kiosk_session(session, token) is None

    def test_an_idle_session_is_not_returned(self, engine: Engine, person_id: int) -> None:
        with write_transaction(engine) as session:
            token, _ = create_kiosk_session(session, person_id, now=T0)
        with write_transaction(engine) as session:
            later = T0 + IDLE + timedelta(seconds=1)
            assert get_kiosk_session(session, token, idle_timeout=IDLE, now=later) is None

    def test_an_unknown_token_finds_nothing(self, engine: Engine, person_id: int) -> None:
        with write_transaction(engine) as session:
            create_kiosk_session(session, person_id)
            assert get_kiosk_session(session, "forged-token") is None
