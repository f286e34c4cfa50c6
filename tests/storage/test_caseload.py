"""A caseload in one query: the persons followed (never another's, never an erased one),
whether their phone is linked, when they last spoke, their conversation's state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from storage.caseload import caseload_facts
from storage.conversation import save_state
from storage.counsellors import assign, create_counsellor
from storage.database import write_transaction
from storage.enums import Channel, Direction
from storage.erasure import erase_person
from storage.persons import attach_identity, create_person
from storage.rows import id_of
from storage.transcript import Entry, append_transcript

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_caseload_shows_each_followed_person_once_with_what_the_page_needs(
    engine: Engine, facility_id: int, person_id: int
) -> None:
    with write_transaction(engine) as session:
        mine = id_of(create_counsellor(session, facility_id, "cpip.a", "CPIP A", "h", "cpip"))
        theirs = id_of(create_counsellor(session, facility_id, "cpip.b", "CPIP B", "h", "cpip"))
        second = id_of(create_person(session, facility_id, "P3X9TT", "Démo", "Autre", "fr", "h"))
        gone = id_of(create_person(session, facility_id, "P4Y7UU", "Démo", "Effacée", "fr", "h"))
        other = id_of(create_person(session, facility_id, "P5Z8VV", "Démo", "Ailleurs", "fr", "h"))
        for followed in (person_id, second, gone):
            assign(session, mine, followed)
        assign(session, theirs, other)
        assign(session, theirs, person_id)
        attach_identity(session, second, Channel.TELEGRAM, "777")
        save_state(session, person_id, {"done": {"sante": ["css"]}}, 0, now=T0)
        append_transcript(
            session,
            [
                Entry(person_id, T0, Channel.KIOSK, Direction.IN, "bonjour"),
                Entry(
                    person_id, T0 + timedelta(minutes=1), Channel.KIOSK, Direction.OUT, "réponse"
                ),
                Entry(person_id, T0 + timedelta(minutes=2), Channel.SYSTEM, Direction.IN, ""),
            ],
        )
        erase_person(session, gone, T0)
    with write_transaction(engine) as session:
        facts = caseload_facts(session, mine)
    assert [f.code for f in facts] == ["P3X9TT", "K7Q4M2"]  # by last name; the erased one is not
    autre, exemple = facts
    assert (autre.telegram_linked, autre.last_said_at, autre.state) == (True, None, None)
    assert (exemple.telegram_linked, exemple.last_said_at) == (False, T0)  # what they said
    assert exemple.state == {"done": {"sante": ["css"]}}
