"""The rights of the person in storage: everything about them read out, then erased
(the person's row stays, emptied, for the audit log), and the audit log itself
refuses to be changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import DatabaseError
from sqlmodel import col, select

from storage.appointments import Actor, Details, create_appointment
from storage.audit import record_audit
from storage.conversation import save_state
from storage.counsellors import assign, create_counsellor
from storage.database import write_transaction
from storage.enums import Channel, Direction, FlagReason, Origin
from storage.erasure import ended_before, erase_person, export_person
from storage.flags import raise_flag
from storage.inbox import pending_updates, store_updates
from storage.login_throttle import record_failure, throttle_key
from storage.models import (
    Appointment,
    AppointmentChange,
    AuditEvent,
    ChannelIdentity,
    Flag,
    LoginThrottle,
    Person,
    Reminder,
    TranscriptEntry,
)
from storage.notes import add_note, notes_of
from storage.persons import attach_identity
from storage.reminders import Planned, plan
from storage.rows import id_of
from storage.search import search
from storage.transcript import Entry, append_transcript

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def fill(engine: Engine, facility_id: int, person_id: int) -> int:
    with write_transaction(engine) as session:
        cpip = id_of(create_counsellor(session, facility_id, "cpip.a", "CPIP A", "h", "cpip"))
        assign(session, cpip, person_id)
        attach_identity(session, person_id, Channel.TELEGRAM, "4242")
        save_state(session, person_id, {"answers": {"has_id": False}}, 0, now=T0)
        append_transcript(
            session, [Entry(person_id, T0, Channel.KIOSK, Direction.IN, "mon secret médical")]
        )
        add_note(session, person_id, cpip, "note privée", T0)
        appointment = create_appointment(
            session, person_id=person_id, kind="spip", start_at=T0 + timedelta(days=3),
            details=Details(place="SPIP d'Arras"), origin=Origin.COUNSELLOR,
            actor=Actor("counsellor", "cpip.a"), now=T0,
        )  # fmt: skip
        plan(
            session, appointment_id=id_of(appointment), person_id=person_id,
            planned=[Planned("J-1", T0 + timedelta(days=2))], now=T0,
        )  # fmt: skip
        raise_flag(
            session, person_id=person_id, reason=FlagReason.CANNOT_COME, now=T0,
            appointment_id=id_of(appointment), detail={"said": "pas de bus"},
        )  # fmt: skip
        # Wrong PINs typed with the person's code (keyed by a hash of it) on one screen.
        code = session.get(Person, person_id)
        assert code is not None
        record_failure(
            session, throttle_key("code", code.code, "on", "s1"), T0, lambda n: timedelta(n),
            code_key=throttle_key("code", code.code),
        )  # fmt: skip
        # What their Telegram account sent, still waiting in the inbox; someone else's too.
        store_updates(
            session,
            [
                (7, '{"update_id": 7, "message": {"from": {"id": 4242}, "text": "au secours"}}'),
                (8, '{"update_id": 8, "message": {"from": {"id": 99}, "text": "bonjour"}}'),
            ],
            T0,
        )
        record_audit(
            session, actor_kind="counsellor", actor_id=cpip, action="person_viewed",
            person_id=person_id, now=T0,
        )  # fmt: skip
    return cpip


def test_an_export_holds_everything_about_the_person_and_no_secret(
    engine: Engine, facility_id: int, person_id: int
) -> None:
    fill(engine, facility_id, person_id)
    with write_transaction(engine) as session:
        data = export_person(session, person_id)
    assert data["person"]["code"] == "K7Q4M2"
    assert [e["text"] for e in data["transcript"]] == ["mon secret médical"]
    assert [n["text"] for n in data["notes"]] == ["note privée"]
    assert data["conversation"] == {"answers": {"has_id": False}}
    assert {i["channel"] for i in data["identities"]} == {"kiosk", "telegram"}
    assert [a["action"] for a in data["audit"]] == ["person_viewed"]
    assert data["followed_by"][0]["login"] == "cpip.a"
    [appointment] = data["appointments"]
    assert (appointment["kind"], appointment["place"]) == ("spip", "SPIP d'Arras")
    assert [c["status"] for c in appointment["history"]] == ["planned"]
    assert [r["label"] for r in appointment["reminders"]] == ["J-1"]
    assert [(f["reason"], f["detail"]) for f in data["flags"]] == [
        ("cannot_come", {"said": "pas de bus"})
    ]
    assert "$argon2id$fake" not in str(data)  # the PIN's hash is not data about them


def test_erasure_deletes_every_row_and_keeps_the_emptied_person_and_the_audit(
    engine: Engine, facility_id: int, person_id: int
) -> None:
    fill(engine, facility_id, person_id)
    with write_transaction(engine) as session:
        assert erase_person(session, person_id, T0)
        assert not erase_person(session, person_id, T0)
    with write_transaction(engine) as session:
        person = session.get(Person, person_id)
        assert person is not None
        assert (person.code, person.first_name, person.erased_at) == (f"ERASED{person_id}", "", T0)
        assert session.exec(select(TranscriptEntry)).all() == []
        assert session.exec(select(ChannelIdentity)).all() == []
        assert notes_of(session, person_id) == []
        assert search(session, [person_id], "secret") == []
        for model in (Appointment, AppointmentChange, Reminder, Flag, LoginThrottle):
            assert session.exec(select(model)).all() == [], model.__name__
        assert pending_updates(session) == [
            (8, '{"update_id": 8, "message": {"from": {"id": 99}, "text": "bonjour"}}')
        ]
        assert [e.action for e in session.exec(select(AuditEvent)).all()] == ["person_viewed"]


def test_the_purge_finds_follow_ups_ended_before_the_cutoff(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        assert ended_before(session, T0) == []
        person = session.get(Person, person_id)
        assert person is not None
        person.followup_ended_at = T0 - timedelta(days=1)
        session.add(person)
    with write_transaction(engine) as session:
        assert [p.id for p in ended_before(session, T0)] == [person_id]
        assert ended_before(session, T0 - timedelta(days=2)) == []


def test_the_audit_log_refuses_to_be_changed_or_deleted(engine: Engine, person_id: int) -> None:
    with write_transaction(engine) as session:
        record_audit(session, actor_kind="system", actor_id=None, action="x", person_id=person_id)
    with pytest.raises(DatabaseError, match="append-only"), write_transaction(engine) as session:
        session.execute(update(AuditEvent).values(action="changed"))
    with pytest.raises(DatabaseError, match="append-only"), write_transaction(engine) as session:
        session.execute(delete(AuditEvent).where(col(AuditEvent.person_id) == person_id))
    with write_transaction(engine) as session:
        assert [e.action for e in session.exec(select(AuditEvent)).all()] == ["x"]
