"""Flags: one line per thing a counsellor must look at, open until dealt with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from storage.appointments import Actor, Details, create_appointment
from storage.database import read_session, write_transaction
from storage.enums import FlagReason, Origin
from storage.errors import NotFound
from storage.flags import deal_with, list_flags, raise_flag
from storage.rows import id_of

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def flag(
    engine: Engine,
    person_id: int,
    reason: FlagReason,
    *,
    now: datetime = T0,
    appointment_id: int | None = None,
    detail: dict[str, str] | None = None,
) -> int:
    with write_transaction(engine) as session:
        raised = raise_flag(
            session,
            person_id=person_id,
            reason=reason,
            now=now,
            appointment_id=appointment_id,
            detail=dict(detail) if detail else None,
        )
        return id_of(raised)


def test_a_flag_is_listed_with_the_person_until_dealt_with(engine: Engine, person_id: int) -> None:
    flag_id = flag(engine, person_id, FlagReason.COUNSELLOR, detail={"where": "css/intro"})

    with read_session(engine) as session:
        [shown] = list_flags(session, open_only=True)
    assert (shown.id, shown.reason, shown.person_code) == (
        flag_id,
        FlagReason.COUNSELLOR,
        "K7Q4M2",
    )
    assert shown.person_name == "Démo Exemple"
    assert shown.detail == {"where": "css/intro"}

    with write_transaction(engine) as session:
        deal_with(session, flag_id, by="cpip.demo", now=T0 + timedelta(hours=1))
    with read_session(engine) as session:
        assert list_flags(session, open_only=True) == []
        [dealt] = list_flags(session)
    assert (dealt.dealt_at, dealt.dealt_by) == (T0 + timedelta(hours=1), "cpip.demo")


def test_the_same_thing_said_again_adds_to_its_open_flag(engine: Engine, person_id: int) -> None:
    first = flag(engine, person_id, FlagReason.DISTRESS, detail={"where": "a"})
    again = flag(
        engine, person_id, FlagReason.DISTRESS, detail={"where": "b"}, now=T0 + timedelta(days=1)
    )
    other = flag(engine, person_id, FlagReason.COUNSELLOR)

    assert again == first != other
    with read_session(engine) as session:
        shown = {f.reason: f for f in list_flags(session)}
    distress = shown[FlagReason.DISTRESS]
    assert (distress.times, distress.at, distress.last_at) == (2, T0, T0 + timedelta(days=1))
    assert distress.detail == {"where": "b"}


def test_flags_of_two_appointments_are_two_lines(engine: Engine, person_id: int) -> None:
    ids = []
    with write_transaction(engine) as session:
        for day in (3, 4):
            appointment = create_appointment(
                session,
                person_id=person_id,
                kind="health",
                start_at=T0 + timedelta(days=day),
                details=Details(),
                origin=Origin.PERSON,
                actor=Actor("person"),
                now=T0,
            )
            ids.append(id_of(appointment))
    for appointment_id in ids:
        flag(engine, person_id, FlagReason.CANNOT_COME, appointment_id=appointment_id)

    with read_session(engine) as session:
        assert sorted(f.appointment_id or 0 for f in list_flags(session)) == ids


def test_a_flag_dealt_with_then_raised_again_opens_a_new_line(
    engine: Engine, person_id: int
) -> None:
    first = flag(engine, person_id, FlagReason.UNREACHABLE)
    with write_transaction(engine) as session:
        deal_with(session, first, by="cpip.demo", now=T0)
    second = flag(engine, person_id, FlagReason.UNREACHABLE)

    assert second != first
    with read_session(engine) as session:
        assert [f.id for f in list_flags(session, open_only=True)] == [second]


def test_dealing_with_an_unknown_flag_says_so(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session, pytest.raises(NotFound):
        deal_with(session, 4242, by="cpip.demo", now=T0)
