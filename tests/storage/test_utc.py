"""Datetimes are aware UTC in and out, whatever the backend; naive ones are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import StatementError
from sqlmodel import select

from storage.database import write_transaction
from storage.models import Person
from storage.utc import ensure_aware

PARIS_WINTER = timezone(timedelta(hours=1))


class TestUTCDateTime:
    def test_datetimes_come_back_aware_in_utc(self, engine: Engine, person_id: int) -> None:
        released = datetime(2026, 1, 15, 9, 0, tzinfo=PARIS_WINTER)
        with write_transaction(engine) as session:
            person = session.get(Person, person_id)
            assert person is not None
            person.released_at = released
        with write_transaction(engine) as session:
            person = session.exec(select(Person).where(Person.id == person_id)).one()
        assert person.released_at == released
        assert person.released_at is not None
        assert person.released_at.tzinfo is UTC
        assert person.released_at.hour == 8
        assert person.created_at.tzinfo is UTC

    def test_a_naive_datetime_is_refused_and_nothing_is_saved(
        self, engine: Engine, person_id: int
    ) -> None:
        naive = datetime(2026, 1, 15, 9, 0)  # noqa: DTZ001 - the point of the test

        def release_with_naive_datetime() -> None:
            with write_transaction(engine) as session:
                person = session.get(Person, person_id)
                assert person is not None
                person.released_at = naive

        with pytest.raises(StatementError, match="naive datetime") as raised:
            release_with_naive_datetime()
        assert isinstance(raised.value.orig, ValueError)
        with write_transaction(engine) as session:
            person = session.get(Person, person_id)
            assert person is not None
            assert person.released_at is None


def test_ensure_aware_explains_how_to_fix_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match=r"pass an aware datetime"):
        ensure_aware(datetime(2026, 1, 1))  # noqa: DTZ001


def test_ensure_aware_converts_to_utc() -> None:
    assert ensure_aware(datetime(2026, 1, 1, 1, 0, tzinfo=PARIS_WINTER)) == datetime(
        2026, 1, 1, 0, 0, tzinfo=UTC
    )
