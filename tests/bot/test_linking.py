"""Linking a Telegram account with the code of the release sheet."""

from __future__ import annotations

import hashlib
import inspect
import math
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot import linking
from bot.clock import MovableClock
from bot.linking import LinkOutcome, Redeemed, issue, redeem
from bot.services import Services
from storage.database import read_session, write_transaction
from storage.enums import Channel
from storage.errors import NotFound
from storage.models import AuditEvent
from storage.persons import find_identity, get_person_by_code, mark_unreachable
from storage.rows import id_of
from tests.services import START, demo_services

ANA = "555001"  # a Telegram user id
BOB = "777002"
REFUSED = Redeemed(LinkOutcome.REFUSED)


@pytest.fixture
def world(db_url: str) -> Iterator[tuple[Services, MovableClock]]:
    services, clock = demo_services(db_url)
    yield services, clock
    services.close()


@pytest.fixture
def services(world: tuple[Services, MovableClock]) -> Services:
    return world[0]


@pytest.fixture
def clock(world: tuple[Services, MovableClock]) -> MovableClock:
    return world[1]


def person(services: Services, code: str = "DEMO01") -> int:
    with read_session(services.engine) as session:
        found = get_person_by_code(session, code)
        assert found is not None
        return id_of(found)


def linked_to(services: Services, telegram_user_id: str) -> int | None:
    with read_session(services.engine) as session:
        identity = find_identity(session, Channel.TELEGRAM, telegram_user_id)
        return identity.person_id if identity else None


def audit_actions(services: Services) -> list[tuple[str, dict[str, object]]]:
    with read_session(services.engine) as session:
        events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        return [(e.action, e.detail) for e in events if "link" in e.action]


class TestCodes:
    def test_a_code_is_ten_readable_symbols_shown_in_groups_with_a_deep_link(
        self, services: Services, clock: MovableClock
    ) -> None:
        issued = issue(services, person(services))

        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{10}", issued.code)
        assert issued.shown == f"{issued.code[:4]}-{issued.code[4:8]}-{issued.code[8:]}"
        assert issued.deep_link == f"https://t.me/FilRougeBot?start={issued.code}"
        assert issued.expires_at == START + timedelta(days=30)

    def test_guessing_is_hopeless(self) -> None:
        assert len(set(linking.ALPHABET)) == len(linking.ALPHABET) == 32
        assert not set("0O1I") & set(linking.ALPHABET)
        assert linking.LENGTH * math.log2(len(linking.ALPHABET)) == 50
        assert len(linking.ALPHABET) ** linking.LENGTH >= 2**40
        # Drawn by the operating system's cryptographic generator, not `random`.
        assert "secrets.choice" in inspect.getsource(linking.new_code)

    def test_only_a_keyed_hash_of_the_code_is_stored(self, services: Services) -> None:
        issued = issue(services, person(services))

        with read_session(services.engine) as session:
            rows = session.connection().exec_driver_sql("SELECT code_hash FROM link_code").all()
        assert [r[0] for r in rows] == [linking.code_hash(services.keys, issued.code)]
        # Not the plain SHA-256: the database alone cannot test guesses.
        assert rows[0][0] != hashlib.sha256(issued.code.encode()).hexdigest()

    def test_an_unknown_person_gets_no_code(self, services: Services) -> None:
        with pytest.raises(NotFound, match="no person"):
            issue(services, 999)


class TestRedeem:
    def test_the_code_links_the_account_in_any_case_with_or_without_dashes(
        self, services: Services
    ) -> None:
        issued = issue(services, person(services))

        typed = f" {issued.shown.lower()} ".replace("-", " - ")
        result = redeem(services, ANA, typed)

        assert result == Redeemed(LinkOutcome.LINKED, person(services))
        assert linked_to(services, ANA) == person(services)
        assert [action for action, _ in audit_actions(services)] == [
            "link_code_issued",
            "telegram_linked",
        ]

    def test_every_refused_code_gets_the_same_answer(
        self, services: Services, clock: MovableClock
    ) -> None:
        demo01, demo02 = person(services), person(services, "DEMO02")
        used = issue(services, demo01)
        assert redeem(services, BOB, used.code).outcome is LinkOutcome.LINKED
        revoked = issue(services, demo02)
        issue(services, demo02)
        expiring = issue(services, demo01)
        clock.advance(timedelta(days=30))

        typed_codes = (
            "", "K7QM-2XPA-9D",  # wrong
            used.code, revoked.code, expiring.code,  # used, revoked, expired
            "0" + used.code[1:], "x" * 5000,  # not even of the alphabet
        )  # fmt: skip
        # One account per try, so the rate limit does not answer instead.
        accounts = [f"90000{n}" for n in range(len(typed_codes))]

        answers = [
            redeem(services, a, typed) for a, typed in zip(accounts, typed_codes, strict=True)
        ]

        assert answers == [REFUSED] * len(typed_codes)
        assert not any(linked_to(services, a) for a in accounts)
        refusals = [d for action, d in audit_actions(services) if action == "link_refused"]
        assert refusals == [{"reason": "refused"}] * len(typed_codes)  # no typed code kept

    def test_after_five_wrong_codes_even_the_right_one_waits_an_hour(
        self, services: Services, clock: MovableClock
    ) -> None:
        issued = issue(services, person(services))
        for _ in range(5):
            assert redeem(services, ANA, "AAAA-AAAA-AA") == REFUSED

        assert redeem(services, ANA, issued.code) == Redeemed(LinkOutcome.TOO_MANY)
        clock.advance(timedelta(minutes=59))
        assert redeem(services, ANA, issued.code) == Redeemed(LinkOutcome.TOO_MANY)
        # Another account is not held back by this one.
        assert redeem(services, BOB, "AAAA-AAAA-AA") == REFUSED
        clock.advance(timedelta(minutes=1))
        assert redeem(services, ANA, issued.code).outcome is LinkOutcome.LINKED

    def test_a_second_code_revokes_the_first(self, services: Services) -> None:
        first = issue(services, person(services))
        second = issue(services, person(services))

        assert redeem(services, ANA, first.code) == REFUSED
        assert redeem(services, ANA, second.code).outcome is LinkOutcome.LINKED

    def test_a_code_links_once(self, services: Services) -> None:
        issued = issue(services, person(services))
        assert redeem(services, ANA, issued.code).outcome is LinkOutcome.LINKED

        assert redeem(services, BOB, issued.code) == REFUSED
        assert linked_to(services, BOB) is None

    def test_a_new_phone_detaches_the_old_account_and_says_which(self, services: Services) -> None:
        demo01 = person(services)
        redeem(services, ANA, issue(services, demo01).code)

        result = redeem(services, BOB, issue(services, demo01).code)

        assert result == Redeemed(LinkOutcome.LINKED, demo01, detached_user_id=ANA)
        assert linked_to(services, BOB) == demo01
        assert linked_to(services, ANA) is None

    def test_an_account_of_one_person_cannot_take_another_persons_code(
        self, services: Services
    ) -> None:
        demo01, demo02 = person(services), person(services, "DEMO02")
        redeem(services, ANA, issue(services, demo01).code)
        theirs = issue(services, demo02)

        result = redeem(services, ANA, theirs.code)

        assert result == Redeemed(LinkOutcome.ALREADY_OTHER_PERSON, demo01)
        assert linked_to(services, ANA) == demo01
        # Nothing changed: once ANA's account is detached, the code still works for another.
        assert redeem(services, BOB, theirs.code).outcome is LinkOutcome.LINKED

    def test_the_same_account_may_redeem_its_own_persons_new_code(self, services: Services) -> None:
        demo01 = person(services)
        redeem(services, ANA, issue(services, demo01).code)

        again = redeem(services, ANA, issue(services, demo01).code)

        assert again == Redeemed(LinkOutcome.LINKED, demo01)

    def test_linking_makes_an_unreachable_person_reachable(
        self, services: Services, clock: MovableClock
    ) -> None:
        demo01 = person(services)
        with write_transaction(services.engine) as session:
            mark_unreachable(session, demo01, clock.now())

        redeem(services, BOB, issue(services, demo01).code)

        with read_session(services.engine) as session:
            found = get_person_by_code(session, "DEMO01")
            assert found is not None
            assert found.unreachable_at is None
