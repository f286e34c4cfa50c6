"""A counsellor's message goes the one way out: into the conversation, marked as theirs,
read at the kiosk when the person's phone is not linked (on Telegram when it is:
tests/telegram/test_counsellor_message.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from bot.counsellor_message import write_to_person
from bot.services import Services
from storage.database import read_session
from storage.enums import Channel, Direction
from storage.errors import NotFound
from storage.models import AuditEvent, Outbox
from storage.persons import get_person_by_code
from storage.rows import id_of
from storage.transcript import recent_transcript
from tests.services import demo_services


@pytest.fixture
def services(db_url: str) -> Iterator[Services]:
    services, _clock = demo_services(db_url)
    yield services
    services.close()


def person(services: Services, code: str) -> int:
    with read_session(services.engine) as session:
        found = get_person_by_code(session, code)
        assert found is not None
        return id_of(found)


def test_a_message_to_a_person_without_a_phone_waits_for_them_at_the_kiosk(
    services: Services,
) -> None:
    demo01 = person(services, "DEMO01")
    with services.write() as tx:
        written = write_to_person(services, tx, demo01, 1, "CPIP démo", "Bonjour, <b>RDV</b> jeudi")
    assert written.channel is Channel.KIOSK
    assert written.queued == []
    with read_session(services.engine) as session:
        [entry] = recent_transcript(session, demo01)
        audit = session.exec(select(AuditEvent)).all()
        assert session.exec(select(Outbox)).all() == []
    assert (entry.channel, entry.direction) == (Channel.COUNSELLOR, Direction.OUT)
    assert entry.text == "Message de votre conseiller, CPIP démo :\nBonjour, <b>RDV</b> jeudi"
    assert entry.payload["via"] == "kiosk"
    assert [(a.action, a.actor_id, a.detail["channel"]) for a in audit] == [
        ("counsellor_message", "1", "kiosk")
    ]


def test_the_words_around_the_message_are_in_the_persons_language(services: Services) -> None:
    demo02 = person(services, "DEMO02")  # reads Arabic
    with services.write() as tx:
        write_to_person(services, tx, demo02, 1, "CPIP démo", "{first_name} 100 %")
    with read_session(services.engine) as session:
        [entry] = recent_transcript(session, demo02)
    assert entry.language == "ar"
    # The counsellor's own words are never formatted nor translated.
    assert entry.text == "رسالة من مستشارك، CPIP démo:\n{first_name} 100 %"


def test_a_message_to_nobody_is_refused(services: Services) -> None:
    with pytest.raises(NotFound), services.write() as tx:
        write_to_person(services, tx, 999, 1, "CPIP démo", "Bonjour")
