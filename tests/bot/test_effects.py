"""What the conversation records in the turn: flags for a counsellor, an appointment the
person typed, their answers to a card."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot import appointments
from bot.appointments import Details
from bot.flags import list_flags
from bot.services import Services
from bot.turn import Inbound, TurnResult, run_turn
from dialogs.events import Event, Pressed, Said, System
from dialogs.outputs import Text
from storage.enums import AppointmentStatus, Channel, FlagReason, Origin
from storage.models import AuditEvent
from tests.services import demo_services

PARIS = ZoneInfo("Europe/Paris")
PERSON = 1  # Démo A
_ids = iter(range(1, 10_000))


@pytest.fixture
def services(db_url: str) -> Iterator[Services]:
    services, _clock = demo_services(db_url)  # Tuesday 1 December 2026, 10:00 in Paris
    yield services
    services.close()


def turn(services: Services, event: Event) -> TurnResult:
    return run_turn(services, Inbound(PERSON, Channel.KIOSK, event, f"m-{next(_ids)}"))


def test_asking_for_a_counsellor_and_the_safety_net_each_raise_a_flag(services: Services) -> None:
    started = turn(services, System("start"))
    turn(services, Pressed(started.state.seq, "help"))
    turn(services, Pressed(0, "urgent"))

    flags = {f.reason: f for f in list_flags(services, open_only=True)}
    assert set(flags) == {FlagReason.COUNSELLOR, FlagReason.DISTRESS}
    assert flags[FlagReason.COUNSELLOR].detail == {"where": "home/menu", "channel": "kiosk"}
    assert flags[FlagReason.DISTRESS].detail["where"].startswith("detresse:urgent:")
    with services.read() as tx:
        audit = tx.session.exec(select(AuditEvent.action)).all()
    assert audit.count("counsellor_requested") == 2  # the audit line is kept too


def test_a_convocation_typed_in_the_guide_is_stored_given_by_the_person_with_its_reminders(
    services: Services,
) -> None:
    result = turn(services, System("start"))
    for value in ("justice", "convocation", "yes", "spip"):
        result = turn(services, Pressed(result.state.seq, value))
    result = turn(services, Said("jeudi 14h30"))

    [made] = appointments.list_of(services, PERSON)
    assert (made.kind, made.start, made.origin) == (
        "spip",
        datetime(2026, 12, 3, 14, 30, tzinfo=PARIS),
        Origin.PERSON,
    )
    assert [r.label for r in made.reminders] == ["J-1", "H-2", "follow-up"]
    assert made.changes[0].actor_kind == "person"
    shown = [o for o in result.outputs if o.kind == "appointment_noted"]
    assert len(shown) == 1


def test_i_cannot_come_and_why_change_the_status_and_flag_a_counsellor(services: Services) -> None:
    made = appointments.add(
        services, PERSON, "jap", datetime(2026, 12, 8, 9, 0, tzinfo=PARIS), Details(), by="cpip"
    )
    turn(services, System("start"))
    asked = turn(services, Pressed(0, f"appt:{made.id}:no"))
    [flag] = list_flags(services, open_only=True)
    assert (flag.reason, flag.appointment_id) == (FlagReason.CANNOT_COME, made.id)

    turn(services, Pressed(asked.state.seq, "family"))
    view = appointments.get(services, made.id)
    assert view.status == AppointmentStatus.CANNOT_COME
    assert [c.note for c in view.changes] == ["", "", "family"]
    [flag] = list_flags(services, open_only=True)
    assert (flag.times, flag.detail["why"]) == (1, "family")  # one answer, one flag, its reason


def test_a_button_of_someone_elses_appointment_changes_nothing(services: Services) -> None:
    theirs = appointments.add(
        services, 2, "health", datetime(2026, 12, 8, 9, 0, tzinfo=PARIS), Details(), by="cpip"
    )
    turn(services, System("start"))
    result = turn(services, Pressed(0, f"appt:{theirs.id}:no"))

    assert [o.text.msgid for o in result.outputs if isinstance(o, Text)] == [
        "Ce rendez-vous n'est plus dans votre liste."
    ]
    assert appointments.get(services, theirs.id).status == AppointmentStatus.PLANNED
    assert list_flags(services) == []
