"""Persons, their channel identities, and failed-PIN lock-out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from storage.credentials import is_locked, register_failed_pin, reset_failed_pins
from storage.database import write_transaction
from storage.enums import Channel, Language
from storage.errors import AlreadyTaken, NotFound
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
        assert identity.failed_attempts == 0
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


class TestFailedPins:
    def test_the_identity_locks_after_repeated_wrong_pins(
        self, engine: Engine, person_id: int
    ) -> None:
        with write_transaction(engine) as session:
            identity = find_identity(session, "kiosk", "K7Q4M2")
            assert identity is not None
            results = [
                register_failed_pin(session, identity, max_attempts=3, now=T0) for _ in range(3)
            ]
        assert results == [False, False, True]
        assert identity.locked_until == T0 + timedelta(minutes=15)
        assert is_locked(identity, now=T0 + timedelta(minutes=14))
        assert not is_locked(identity, now=T0 + timedelta(minutes=16))

    def test_a_correct_pin_resets_the_counter(self, engine: Engine, person_id: int) -> None:
        with write_transaction(engine) as session:
            identity = find_identity(session, "kiosk", "K7Q4M2")
            assert identity is not None
            register_failed_pin(session, identity, now=T0)
            register_failed_pin(session, identity, now=T0)
            reset_failed_pins(session, identity)
        with write_transaction(engine) as session:
            identity = find_identity(session, "kiosk", "K7Q4M2")
        assert identity is not None
        assert identity.failed_attempts == 0
        assert identity.locked_until is None
