"""Counsellors see their caseload; their reads are written in the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from storage.audit import record_audit
from storage.counsellors import assign, caseload, create_counsellor, find_counsellor, is_assigned
from storage.database import write_transaction
from storage.enums import Role
from storage.errors import AlreadyTaken
from storage.models import AuditEvent
from storage.persons import create_person


class TestCounsellors:
    def test_a_login_is_unique(self, engine: Engine, facility_id: int) -> None:
        with write_transaction(engine) as session:
            create_counsellor(session, facility_id, "cpip.test", "CPIP démo", "h", "cpip")
            with pytest.raises(AlreadyTaken, match=r"cpip\.test"):
                create_counsellor(session, facility_id, "cpip.test", "Autre", "h", Role.PARTNER)
            found = find_counsellor(session, "cpip.test")
        assert found is not None
        assert found.role is Role.CPIP

    def test_a_counsellor_follows_only_the_persons_assigned(
        self, engine: Engine, facility_id: int, person_id: int
    ) -> None:
        with write_transaction(engine) as session:
            cpip = create_counsellor(session, facility_id, "cpip.test", "CPIP démo", "h", "cpip")
            other = create_person(session, facility_id, "P3X9TT", "Démo", "Exemple", "ro", "h")
            assign(session, cpip.id or 0, person_id)
            assign(session, cpip.id or 0, person_id)  # idempotent
            assert is_assigned(session, cpip.id or 0, person_id)
            assert not is_assigned(session, cpip.id or 0, other.id or 0)
            assert [p.code for p in caseload(session, cpip.id or 0)] == ["K7Q4M2"]

    def test_a_read_is_recorded_in_the_audit_log(self, engine: Engine, person_id: int) -> None:
        with write_transaction(engine) as session:
            record_audit(
                session,
                actor_kind="counsellor",
                actor_id=7,
                action="transcript.read",
                person_id=person_id,
                detail={"entries": 20},
            )
        with write_transaction(engine) as session:
            event = session.exec(select(AuditEvent)).one()
        assert (event.actor_id, event.action, event.detail) == (
            "7",
            "transcript.read",
            {"entries": 20},
        )
        assert event.at.tzinfo is not None
