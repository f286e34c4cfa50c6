"""Counsellor accounts, as the command line and the administrators' pages manage them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from bot import counsellors
from bot.counsellors import AccountRefused, Refusal
from bot.services import Services
from storage.console_sessions import create_console_session, open_console_session
from storage.database import read_session
from storage.enums import Role
from storage.models import AuditEvent
from tests.services import demo_services


@pytest.fixture
def services(db_url: str) -> Iterator[Services]:
    services, _clock = demo_services(db_url)
    yield services
    services.close()


def test_an_account_gets_a_drawn_password_that_works_and_is_stored_hashed(
    services: Services,
) -> None:
    new = counsellors.add_account(services, " CPIP.Test ", "Prénom  Nom", Role.ADMIN)
    assert new.login == "cpip.test"
    assert new.generated
    assert len(new.password) == 19  # 16 symbols in 4 groups
    [line] = [a for a in counsellors.accounts(services) if a.login == "cpip.test"]
    assert (line.name, line.role, line.follows, line.disabled_at) == (
        "Prénom Nom",
        Role.ADMIN,
        0,
        None,
    )
    with read_session(services.engine) as session:
        audit = session.exec(select(AuditEvent.action)).all()
    assert audit == ["counsellor_added"]


@pytest.mark.parametrize(
    ("login", "name", "password", "reason"),
    [
        ("x", "Nom", None, Refusal.BAD_LOGIN),
        ("cpip test", "Nom", None, Refusal.BAD_LOGIN),
        ("cpip.demo", "Nom", None, Refusal.LOGIN_TAKEN),
        ("cpip.new", "  ", None, Refusal.BAD_NAME),
        ("cpip.new", "Nom", "court", Refusal.SHORT_PASSWORD),
    ],
)
def test_a_wrong_account_is_refused_with_its_reason(
    services: Services, login: str, name: str, password: str | None, reason: Refusal
) -> None:
    with pytest.raises(AccountRefused) as refused:
        counsellors.add_account(services, login, name, password=password)
    assert refused.value.reason is reason


def test_disabling_an_account_ends_its_sessions_at_once(services: Services) -> None:
    with services.write() as tx:
        opened = create_console_session(tx.session, 1, tx.now)
    assert counsellors.disable_account(services, "cpip.demo")
    assert not counsellors.disable_account(services, "cpip.demo")
    with read_session(services.engine) as session:
        assert open_console_session(session, opened.raw_token) is None
    with pytest.raises(AccountRefused):
        counsellors.disable_account(services, "nobody")


def test_assigning_and_removing_a_person(services: Services) -> None:
    new = counsellors.add_account(services, "cpip.b", "CPIP B")
    assert counsellors.assign_person(services, "cpip.b", "demo02")
    assert not counsellors.assign_person(services, "cpip.b", "DEMO02")
    assert [a.follows for a in counsellors.accounts(services) if a.id == new.id] == [1]
    assert counsellors.assign_person(services, "cpip.b", "DEMO02", remove=True)
    with pytest.raises(AccountRefused) as refused:
        counsellors.assign_person(services, "cpip.b", "NOPE99")
    assert refused.value.reason is Refusal.NO_PERSON
