"""The rights of the person: a copy of everything kept, erasure on request, and the
retention purge of ended follow-ups; each written in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot import rights
from bot.actors import CLI, Actor
from bot.clock import MovableClock
from bot.followup import AppointmentLine
from bot.services import Services
from storage.database import read_session
from storage.errors import NotFound
from storage.models import AuditEvent, Person, TranscriptEntry
from storage.persons import get_person_by_code
from storage.rows import id_of
from tests.followup import KeptFollowUp
from tests.services import demo_services

SPIP = AppointmentLine(1, datetime(2026, 12, 10, 13, tzinfo=UTC), "spip", "SPIP d'Arras", "planned")


@pytest.fixture
def setup(db_url: str) -> Iterator[tuple[Services, MovableClock, KeptFollowUp]]:
    services, clock = demo_services(db_url)
    followup = KeptFollowUp()
    services.followup = followup
    yield services, clock, followup
    services.close()


def demo01(services: Services) -> int:
    with read_session(services.engine) as session:
        found = get_person_by_code(session, "DEMO01")
        assert found is not None
        return id_of(found)


def actions(services: Services) -> list[tuple[str, str | None, int | None]]:
    with read_session(services.engine) as session:
        return [(e.action, e.actor_id, e.person_id) for e in session.exec(select(AuditEvent))]


def test_an_export_holds_the_person_their_follow_up_and_is_audited(
    setup: tuple[Services, MovableClock, KeptFollowUp],
) -> None:
    services, _clock, followup = setup
    person = demo01(services)
    followup.appointments_of[person] = [SPIP]
    data = rights.export(services, person, by=Actor.counsellor(1), form="print")
    assert data["person"]["code"] == "DEMO01"
    assert data["followup"] == {"appointments": ["spip"], "flags": []}
    assert actions(services) == [("person_exported", "1", person)]


def test_erasure_forgets_the_follow_up_and_is_audited_once(
    setup: tuple[Services, MovableClock, KeptFollowUp],
) -> None:
    services, _clock, followup = setup
    person = demo01(services)
    followup.appointments_of[person] = [SPIP]
    assert rights.erase(services, person, by=Actor.counsellor(1))
    assert not rights.erase(services, person, by=Actor.counsellor(1))
    assert followup.appointments_of == {}
    assert actions(services) == [("person_erased", "1", person)]
    with pytest.raises(NotFound):
        rights.erase(services, 999, by=CLI)


def test_the_purge_erases_follow_ups_ended_longer_ago_than_the_retention(
    setup: tuple[Services, MovableClock, KeptFollowUp],
) -> None:
    services, clock, _followup = setup
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
