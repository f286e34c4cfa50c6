"""Release, reachability, and one Telegram account per person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from storage.database import write_transaction
from storage.enums import Channel
from storage.errors import NotFound
from storage.persons import (
    attach_identity,
    find_identity,
    get_person,
    get_person_by_code,
    identities_of,
    mark_reachable,
    mark_released,
    mark_unreachable,
    replace_identity,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_new_telegram_account_detaches_the_previous_one(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        first = replace_identity(session, person_id, Channel.TELEGRAM, "555001", now=T0)
        assert first.detached is None
    with write_transaction(engine) as session:
        second = replace_identity(session, person_id, Channel.TELEGRAM, "777002", now=T0)

    assert second.detached is not None
    assert second.detached.external_id == "555001"
    assert second.detached.detached_at == T0
    with write_transaction(engine) as session:
        assert find_identity(session, Channel.TELEGRAM, "555001") is None
        channels = [(i.channel, i.external_id) for i in identities_of(session, person_id)]
    assert channels == [(Channel.KIOSK, "K7Q4M2"), (Channel.TELEGRAM, "777002")]


def test_attaching_the_same_account_again_detaches_nothing(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        attach_identity(session, person_id, Channel.TELEGRAM, "555001", now=T0)
        again = replace_identity(session, person_id, Channel.TELEGRAM, "555001", now=T0)

    assert again.detached is None
    assert again.identity.detached_at is None


def test_release_is_recorded_once(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        person, new = mark_released(session, person_id, T0)
        assert (person.released_at, new) == (T0, True)
    with write_transaction(engine) as session:
        person, new = mark_released(session, person_id, T0 + timedelta(days=1))
        assert (person.released_at, new) == (T0, False)


def test_an_unreachable_person_becomes_reachable_again(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        mark_unreachable(session, person_id, T0)
        mark_unreachable(session, person_id, T0 + timedelta(hours=1))
    with write_transaction(engine) as session:
        person = get_person(session, person_id)
        assert person is not None
        assert person.unreachable_at == T0
        mark_reachable(session, person_id)
    with write_transaction(engine) as session:
        person = get_person(session, person_id)
        assert person is not None
        assert person.unreachable_at is None


def test_an_unknown_person_cannot_be_released(engine: Engine) -> None:
    with pytest.raises(NotFound), write_transaction(engine) as session:
        mark_released(session, 999, T0)


def test_a_person_is_found_by_their_code_in_any_case(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        found = get_person_by_code(session, " k7q4m2 ")
        assert found is not None
        assert found.id == person_id
        assert get_person_by_code(session, "ZZZZZZ") is None
