"""The caseload: the counsellor's persons only, where each stands in each domain, the
flagged ones first, filtered, sorted, found by code or name; flags and appointments
as the follow-up port gives them."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from bot import counsellors, release
from bot.clock import MovableClock
from bot.followup import AppointmentLine, FlagLine
from bot.services import Services
from bot.turn import Inbound, run_turn
from dialogs.events import Pressed, System
from storage.conversation import load_state, save_state
from storage.enums import Channel
from tests.console.desk import A_LOGIN, A_PERSON, B_PERSON, Desk, audit
from tests.followup import KeptFollowUp


def persons(html: str) -> list[str]:
    """The codes of the persons listed, in order."""
    return re.findall(r"</bdi></a> <code>(\w+)</code>", html)


@pytest.fixture
def followup(services: Services) -> KeptFollowUp:
    kept = KeptFollowUp(dealt_by={1: "CPIP démo"})
    services.followup = kept
    counsellors.assign_person(services, A_LOGIN, "DEMO02")  # A follows both persons here
    return kept


def test_a_counsellor_sees_only_the_persons_they_follow(cpip: Desk, cpip_b: Desk) -> None:
    assert persons(cpip.get("/console").text) == ["DEMO01"]
    assert persons(cpip_b.get("/console").text) == ["DEMO02"]


def test_each_domain_says_done_in_progress_or_not_started(cpip: Desk, services: Services) -> None:
    first = run_turn(services, Inbound(A_PERSON, Channel.KIOSK, System("start"), "k1"))
    run_turn(services, Inbound(A_PERSON, Channel.KIOSK, Pressed(first.state.seq, "sante"), "k2"))
    with services.write() as tx:
        data, version = load_state(tx.session, A_PERSON)
        assert data is not None
        justice = {i.item for i in services.flows.plan_items() if i.domain == "justice"}
        data["done"] = {"justice": sorted(justice), "logement": ["siao"]}
        save_state(tx.session, A_PERSON, data, version, now=tx.now)
    page = unescape(cpip.get("/console").text)
    assert re.search(r'<li class="started" title="Santé : en cours \(0/\d+\)">', page)
    assert re.search(r'<li class="started" title="Logement : en cours \(1/\d+\)">', page)
    assert re.search(r'<li class="not_started" title="Papiers : pas commencé \(0/\d+\)">', page)
    assert f'<li class="done" title="Justice : fait ({len(justice)}/{len(justice)})">' in page


def test_persons_with_open_flags_come_first(
    cpip: Desk, services: Services, followup: KeptFollowUp, clock: MovableClock
) -> None:
    assert persons(cpip.get("/console").text) == ["DEMO01", "DEMO02"]  # by name: A, B
    followup.flags_of[B_PERSON] = [FlagLine(7, clock.now(), "distress", "")]
    page = unescape(cpip.get("/console").text)
    assert persons(page) == ["DEMO02", "DEMO01"]
    assert "1 signalement · Détresse" in page
    assert persons(cpip.get("/console?sort=name").text) == ["DEMO01", "DEMO02"]
    assert persons(cpip.get("/console?situation=flagged").text) == ["DEMO02"]


def test_the_next_appointment_is_on_the_line(
    cpip: Desk, followup: KeptFollowUp, clock: MovableClock
) -> None:
    soon = clock.now() + timedelta(days=2)
    followup.appointments_of[A_PERSON] = [
        AppointmentLine(1, clock.now() - timedelta(days=1), "health", "", "done"),
        AppointmentLine(2, soon, "spip", "SPIP", "planned"),
    ]
    page = unescape(cpip.get("/console").text)
    assert "4 mars 2026, 09:00 · Convocation au SPIP" in page
    assert "Aucun rendez-vous" in page  # DEMO02 has none


def test_filters_and_a_search_by_code_or_name(
    cpip: Desk, services: Services, followup: KeptFollowUp
) -> None:
    release.release(services, B_PERSON)
    assert persons(cpip.get("/console?situation=released").text) == ["DEMO02"]
    assert persons(cpip.get("/console?situation=inside").text) == ["DEMO01"]
    assert persons(cpip.get("/console?situation=telegram").text) == []
    assert persons(cpip.get("/console?find=demo01").text) == ["DEMO01"]
    assert persons(cpip.get("/console?find=demo+b").text) == ["DEMO02"]  # « Démo B »
    assert persons(cpip.get("/console?find=B+Démo").text) == ["DEMO02"]
    assert persons(cpip.get("/console?sort=nonsense&situation=nonsense").text) == [
        "DEMO01",
        "DEMO02",
    ]
    page = unescape(cpip.get("/console?find=zzz").text)
    assert "Aucune personne ne correspond." in page


def test_the_soonest_release_and_the_longest_silence_sort_first(
    cpip: Desk, services: Services, followup: KeptFollowUp, clock: MovableClock
) -> None:
    cpip.post(f"/console/persons/{B_PERSON}/release-date", day="2026-04-01")
    cpip.post(f"/console/persons/{A_PERSON}/release-date", day="2026-06-01")
    assert persons(cpip.get("/console?sort=release").text) == ["DEMO02", "DEMO01"]
    run_turn(services, Inbound(A_PERSON, Channel.KIOSK, System("start"), "a1"))
    clock.advance(timedelta(minutes=10))
    run_turn(services, Inbound(B_PERSON, Channel.KIOSK, System("start"), "b1"))
    assert persons(cpip.get("/console?sort=activity").text) == ["DEMO01", "DEMO02"]


def test_a_flag_is_marked_dealt_with_from_the_persons_page(
    cpip: Desk, services: Services, followup: KeptFollowUp, clock: MovableClock
) -> None:
    followup.flags_of[B_PERSON] = [FlagLine(7, clock.now(), "cannot_come", "jeudi")]
    page = unescape(cpip.get(f"/console/persons/{B_PERSON}").text)
    assert "Ne peut pas venir" in page
    response = cpip.post(f"/console/persons/{B_PERSON}/flags/7/dealt")
    after = unescape(cpip.get(response.headers["location"]).text)
    assert "Signalement traité." in after
    assert "traité le 2 mars 2026, 09:00 par CPIP démo" in after
    again = cpip.post(f"/console/persons/{B_PERSON}/flags/7/dealt")
    assert "Ce signalement était déjà traité." in unescape(cpip.get(again.headers["location"]).text)
    other = cpip.post(f"/console/persons/{A_PERSON}/flags/7/dealt")  # not this person's flag
    assert "déjà traité" in unescape(cpip.get(other.headers["location"]).text)
    assert [(e.person_id, e.detail) for e in audit(services, "flag_dealt")] == [
        (B_PERSON, {"flag": 7})
    ]
