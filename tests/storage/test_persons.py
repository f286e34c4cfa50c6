"""Persons, their channel identities, and failed-PIN lock-out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from storage.database import write_transaction
from storage.enums import Channel, Language
from storage.errors import AlreadyTaken, NotFound
from storage.login_throttle import (
    clear_code,
    record_failure,
    throttle_key,
    waiting_until,
    waits_of_code,
)
from storage.persons import (
    attach_identity,
    create_person,
    detach_identity,
    find_identity,
    get_person,
    identities_of,
)

T0 = datetime(2025, 12, 3, 13, 30, tzinfo=UTC)


class TestPersonsAndIdentities:
    def test_a_new_person_has_a_kiosk_identity_under_their_code(
        self, engine: Engine, person_id: int
    ) -> None:
        with write_transaction(engine) as session:
            identity = find_identity(session, "kiosk", "K7Q4M2")
            person = get_person(session, person_id)
        assert identity is not None
        assert identity.person_id == person_id
        assert identity.secret_hash == "$argon2id$fake"
        assert person is not None
        assert person.language is Language.AR

    def test_a_person_code_is_unique_and_the_transaction_survives_a_clash(
        self, engine: Engine, facility_id: int, person_id: int
    ) -> None:
        with write_transaction(engine) as session:
            with pytest.raises(AlreadyTaken, match="K7Q4M2"):
                create_person(session, facility_id, "K7Q4M2", "Démo", "Exemple", "ro", "h")
            other = create_person(session, facility_id, "P3X9TT", "Démo", "Exemple", "ro", "h")
        with write_transaction(engine) as session:
            assert get_person(session, other.id or 0) is not None

    def test_an_identity_belongs_to_one_person_per_channel(
        self, engine: Engine, facility_id: int, person_id: int
    ) -> None:
        with write_transaction(engine) as session:
            other = create_person(session, facility_id, "P3X9TT", "Démo", "Exemple", "ro", "h")
            attach_identity(session, person_id, Channel.TELEGRAM, "555001")
            with pytest.raises(AlreadyTaken):
                attach_identity(session, other.id or 0, Channel.TELEGRAM, "555001")
            # The same external id on another channel is another identity.
            attach_identity(session, other.id or 0, Channel.KIOSK, "555001")
        with write_transaction(engine) as session:
            telegram = find_identity(session, Channel.TELEGRAM, "555001")
            assert telegram is not None
            assert telegram.person_id == person_id

    def test_a_detached_identity_no_longer_reaches_the_person_and_can_be_relinked(
        self, engine: Engine, facility_id: int, person_id: int
    ) -> None:
        with write_transaction(engine) as session:
            identity = attach_identity(session, person_id, "telegram", "555001")
            detach_identity(session, identity, now=T0)
            assert find_identity(session, "telegram", "555001") is None
            assert [i.channel for i in identities_of(session, person_id)] == [Channel.KIOSK]
            other = create_person(session, facility_id, "P3X9TT", "Démo", "Exemple", "ro", "h")
            relinked = attach_identity(session, other.id or 0, "telegram", "555001")
        assert relinked.person_id == other.id
        assert relinked.detached_at is None

    def test_attaching_to_an_unknown_person_is_refused(self, engine: Engine) -> None:
        with pytest.raises(NotFound), write_transaction(engine) as session:
            attach_identity(session, 999, "telegram", "555001")


class TestLoginThrottle:
    def test_failures_under_a_key_bring_a_wait_and_a_success_clears_it(
        self, engine: Engine
    ) -> None:
        key = throttle_key("code", "K7Q4M2", "on", "10.0.0.7")
        code_key = throttle_key("code", "K7Q4M2")

        def after_three(failures: int) -> timedelta:
            return timedelta(minutes=1) if failures >= 3 else timedelta()

        with write_transaction(engine) as session:
            waits = [
                record_failure(session, key, T0, after_three, code_key=code_key) for _ in range(3)
            ]
        assert waits == [None, None, T0 + timedelta(minutes=1)]
        with write_transaction(engine) as session:
            assert waiting_until(session, [key], T0) == T0 + timedelta(minutes=1)
            assert waiting_until(session, [key], T0 + timedelta(minutes=1)) is None
            assert waits_of_code(session, code_key, T0) == T0 + timedelta(minutes=1)
            assert clear_code(session, code_key) == 1
            assert waiting_until(session, [key], T0) is None
