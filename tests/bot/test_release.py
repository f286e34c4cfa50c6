"""Marking a person released: recorded once, told to the conversation once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from bot.release import release
from bot.services import Services
from bot.turn import state_of
from storage.conversation import load_conversation
from storage.database import read_session, write_transaction
from storage.enums import Channel, Direction
from storage.errors import NotFound
from storage.models import AuditEvent, Outbox
from storage.persons import attach_identity, get_person_by_code
from storage.rows import id_of
from storage.transcript import recent_transcript
from tests.services import START, demo_services


@pytest.fixture
def services(db_url: str) -> Iterator[Services]:
    services, _clock = demo_services(db_url)
    yield services
    services.close()


def demo01(services: Services) -> int:
    with read_session(services.engine) as session:
        found = get_person_by_code(session, "DEMO01")
        assert found is not None
        return id_of(found)


def test_release_marks_the_person_and_tells_the_conversation(services: Services) -> None:
    done = release(services, demo01(services))

    assert done.newly is True
    assert done.released_at == START
    assert done.outputs, "the conversation answers the release"
    with read_session(services.engine) as session:
        person = get_person_by_code(session, "DEMO01")
        assert person is not None
        state = state_of(load_conversation(session, person.id or 0, for_update=False))
        entries = recent_transcript(session, demo01(services))
        audit = session.exec(select(AuditEvent.action)).all()
    assert person.released_at == START
    assert state.released is True
    assert {e.channel for e in entries} == {Channel.SYSTEM}
    assert entries[0].direction is Direction.IN
    assert entries[0].payload["name"] == "released"
    assert "person_released" in audit


def test_releasing_twice_changes_nothing_more(services: Services) -> None:
    release(services, demo01(services))
    with read_session(services.engine) as session:
        before = len(recent_transcript(session, demo01(services)))

    again = release(services, demo01(services))

    assert again.newly is False
    assert again.outputs == []
    with read_session(services.engine) as session:
        assert len(recent_transcript(session, demo01(services))) == before


def test_an_unknown_person_cannot_be_released(services: Services) -> None:
    with pytest.raises(NotFound):
        release(services, 999)


def test_a_person_whose_phone_is_linked_is_told_on_telegram(services: Services) -> None:
    person_id = demo01(services)
    with write_transaction(services.engine) as session:
        attach_identity(session, person_id, Channel.TELEGRAM, "777001")

    release(services, person_id)

    with read_session(services.engine) as session:
        queued = session.exec(select(Outbox)).all()
    assert [row.chat_id for row in queued] == [777001]
    assert "Votre sortie est enregistrée" in str(queued[0].payload)
