"""Fixtures of the storage specifications: an engine and a person per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from storage.database import make_engine, write_transaction
from storage.persons import create_facility, create_person
from storage.sealed import Keyring

KEYRING = Keyring("t1", {"t1": bytes(range(32))}, search=bytes(range(32, 64)))
"""The storage specifications' data key: what they write is sealed, as in service."""


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh migrated database (SQLite, then PostgreSQL), sealing."""
    engine = make_engine(db_url, keyring=KEYRING)
    yield engine
    engine.dispose()


@pytest.fixture
def facility_id(engine: Engine) -> int:
    """Id of a facility, "Baumettes InSERRE"."""
    with write_transaction(engine) as session:
        facility = create_facility(session, "MRS-INS", "Baumettes InSERRE")
    assert facility.id is not None
    return facility.id


@pytest.fixture
def person_id(engine: Engine, facility_id: int) -> int:
    """Id of Démo Exemple, code K7Q4M2, speaking Arabic."""
    with write_transaction(engine) as session:
        person = create_person(
            session, facility_id, "K7Q4M2", "Démo", "Exemple", "ar", "$argon2id$fake"
        )
    assert person.id is not None
    return person.id
