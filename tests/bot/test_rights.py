"""The rights of the person: a copy of everything kept, erasure on request, and the
retention purge of ended follow-ups; each written in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot import appointments, rights
from bot.actors import CLI, Actor
from bot.appointments import Details
from bot.clock import MovableClock
from bot.services import Services
from bot.turn import Inbound, run_turn
from dialogs.events import Pressed, System
from storage.database import read_session
from storage.enums import Channel
from storage.errors import NotFound
from storage.models import Appointment, AuditEvent, Flag, Person, Reminder, TranscriptEntry
from storage.persons import get_person_by_code
from storage.rows import id_of
from tests.services import demo_services

SPIP = datetime(2026, 12, 10, 13, tzinfo=UTC)


@pytest.fixture
def setup(db_url: str) -> Iterator[tuple[Services, MovableClock]]:
    services, clock = demo_services(db_url)
    yield services, clock
    services.close()


def followed_up(services: Services, person: int) -> None:
    """An appointment given by a counsellor, and a flag: the person asked for one."""
    appointments.add(services, person, "spip", SPIP, Details(place="SPIP d'Arras"), by="cpip")
    started = run_turn(services, Inbound(person, Channel.KIOSK, System("start"), "k1"))
    run_turn(services, Inbound(person, Channel.KIOSK, Pressed(started.state.seq, "help"), "k2"))


def demo01(services: Services) -> int:
    with read_session(services.engine) as session:
        found = get_person_by_code(session, "DEMO01")
        assert found is not None
        return id_of(found)


def actions(services: Services) -> list[tuple[str, str | None, int | None]]:
    with read_session(services.engine) as session:
        return [(e.action, e.actor_id, e.person_id) for e in session.exec(select(AuditEvent))]


def test_an_export_holds_the_person_their_appointments_and_flags_and_is_audited(
    setup: tuple[Services, MovableClock],
) -> None:
    services, _clock = setup
    person = demo01(services)
    followed_up(services, person)
    data = rights.export(services, person, by=Actor.counsellor(1), form="print")
    assert data["person"]["code"] == "DEMO01"
    [spip] = data["appointments"]
    assert (spip["kind"], spip["place"], spip["created_by"]) == ("spip", "SPIP d'Arras", "cpip")
    assert [r["label"] for r in spip["reminders"]] == ["J-7", "J-1", "H-2", "follow-up"]
    assert [f["reason"] for f in data["flags"]] == ["counsellor"]
    assert actions(services)[-1] == ("person_exported", "1", person)


def test_erasure_deletes_appointments_reminders_and_flags_and_is_audited_once(
    setup: tuple[Services, MovableClock],
) -> None:
    services, _clock = setup
    person = demo01(services)
    followed_up(services, person)
    assert rights.erase(services, person, by=Actor.counsellor(1))
    assert not rights.erase(services, person, by=Actor.counsellor(1))
    with read_session(services.engine) as session:
        for model in (Appointment, Reminder, Flag):
            assert session.exec(select(model)).all() == [], model.__name__
    assert [a for a in actions(services) if a[0] == "person_erased"] == [
        ("person_erased", "1", person)
    ]
    with pytest.raises(NotFound):
        rights.erase(services, 999, by=CLI)


def test_the_purge_erases_follow_ups_ended_longer_ago_than_the_retention(
    setup: tuple[Services, MovableClock],
) -> None:
    services, clock = setup
    person = demo01(services)
    with services.write() as tx:
        found = tx.session.get(Person, person)
        assert found is not None
        found.followup_ended_at = tx.now
        tx.session.add(found)
    clock.advance(timedelta(days=360))  # not yet twelve months
    assert rights.purge(services, dry_run=False) == []
    clock.advance(timedelta(days=10))
    [listed] = rights.purge(services, dry_run=True)
    assert (listed.person_id, listed.code) == (person, "DEMO01")
    with read_session(services.engine) as session:
        kept = session.get(Person, person)
        assert kept is not None and kept.erased_at is None  # noqa: PT018  (a dry run)
    [purged] = rights.purge(services, dry_run=False)
    assert purged.person_id == person
    with read_session(services.engine) as session:
        gone = session.get(Person, person)
        assert gone is not None
        assert gone.erased_at is not None
        assert session.exec(select(TranscriptEntry)).all() == []
    assert [a for a, _who, _p in actions(services)] == [
        "retention_purge",
        "retention_purge",
        "retention_purge",
        "person_erased",
    ]


@pytest.mark.parametrize(
    ("now", "months", "cutoff"),
    [
        (datetime(2027, 3, 31, 9, tzinfo=UTC), 1, datetime(2027, 2, 28, 9, tzinfo=UTC)),
        (datetime(2027, 1, 15, 9, tzinfo=UTC), 12, datetime(2026, 1, 15, 9, tzinfo=UTC)),
        (datetime(2028, 2, 29, 9, tzinfo=UTC), 12, datetime(2027, 2, 28, 9, tzinfo=UTC)),
    ],
)
def test_the_retention_counts_calendar_months(now: datetime, months: int, cutoff: datetime) -> None:
    assert rights.retention_cutoff(now, months) == cutoff
