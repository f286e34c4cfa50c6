"""The caseload: the counsellor's persons only, where each stands in each domain, the
flagged ones first (distress first), filtered, sorted, found by code or name; the
next appointment and the open flags as `bot.appointments` and `bot.flags` keep them."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from bot import appointments, counsellors, flags, release
from bot.appointments import Details
from bot.clock import MovableClock
from bot.services import Services
from bot.turn import Inbound, run_turn
from dialogs.events import Pressed, System
from storage.conversation import load_state, save_state
from storage.enums import Channel, FlagReason
from tests.console.desk import A_LOGIN, A_PERSON, B_PERSON, Desk, audit


def persons(html: str) -> list[str]:
    """The codes of the persons listed, in order."""
    return re.findall(r"</bdi></a> <code>(\w+)</code>", html)


@pytest.fixture
def both(services: Services) -> None:
    counsellors.assign_person(services, A_LOGIN, "DEMO02")  # A follows both persons here


def raise_flag(services: Services, person_id: int, reason: FlagReason, **detail: str) -> int:
    with services.write() as tx:
        return flags.raise_in(tx, person_id, reason, detail=detail)


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


@pytest.mark.usefixtures("both")
def test_persons_with_open_flags_come_first_distress_before_the_others(
    cpip: Desk, services: Services
) -> None:
    assert persons(cpip.get("/console").text) == ["DEMO01", "DEMO02"]  # by name: A, B
    raise_flag(services, B_PERSON, FlagReason.CANNOT_COME)
    assert persons(cpip.get("/console").text) == ["DEMO02", "DEMO01"]
    raise_flag(services, A_PERSON, FlagReason.UNREACHABLE)
    raise_flag(services, A_PERSON, FlagReason.DISTRESS)
    page = unescape(cpip.get("/console").text)
    assert persons(page) == ["DEMO01", "DEMO02"]  # distress first, whatever the name
    assert "2 signalements · Détresse" in page
    assert "1 signalement · Ne peut pas venir" in page
    assert persons(cpip.get("/console?sort=name").text) == ["DEMO01", "DEMO02"]
    for flag in flags.list_flags(services, person_id=A_PERSON):
        flags.deal_with(services, flag.id, by=A_LOGIN)
    assert persons(cpip.get("/console").text) == ["DEMO02", "DEMO01"]
    assert persons(cpip.get("/console?situation=flagged").text) == ["DEMO02"]


@pytest.mark.usefixtures("both")
def test_the_next_appointment_is_on_the_line(
    cpip: Desk, services: Services, clock: MovableClock
) -> None:
    now = clock.now()
    past = appointments.add(services, A_PERSON, "health", now + timedelta(minutes=5), by=A_LOGIN)
    appointments.add(services, A_PERSON, "spip", now + timedelta(days=2), Details(place="SPIP"))
    cancelled = appointments.add(services, A_PERSON, "jap", now + timedelta(days=1))
    appointments.cancel(services, cancelled.id)
    clock.advance(timedelta(minutes=10))  # within the console's idle time
    appointments.mark_done(services, past.id)
    page = unescape(cpip.get("/console").text)
    assert "4 mars 2026, 09:00 · Convocation au SPIP" in page
    assert "Aucun rendez-vous" in page  # DEMO02 has none


@pytest.mark.usefixtures("both")
def test_filters_and_a_search_by_code_or_name(cpip: Desk, services: Services) -> None:
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


@pytest.mark.usefixtures("both")
def test_the_soonest_release_and_the_longest_silence_sort_first(
    cpip: Desk, services: Services, clock: MovableClock
) -> None:
    cpip.post(f"/console/persons/{B_PERSON}/release-date", day="2026-04-01")
    cpip.post(f"/console/persons/{A_PERSON}/release-date", day="2026-06-01")
    assert persons(cpip.get("/console?sort=release").text) == ["DEMO02", "DEMO01"]
    run_turn(services, Inbound(A_PERSON, Channel.KIOSK, System("start"), "a1"))
    clock.advance(timedelta(minutes=10))
    run_turn(services, Inbound(B_PERSON, Channel.KIOSK, System("start"), "b1"))
    assert persons(cpip.get("/console?sort=activity").text) == ["DEMO01", "DEMO02"]


@pytest.mark.usefixtures("both")
def test_a_flag_is_marked_dealt_with_from_the_persons_page(
    cpip: Desk, services: Services, clock: MovableClock
) -> None:
    made = appointments.add(services, B_PERSON, "jap", clock.now() + timedelta(days=3))
    run_turn(services, Inbound(B_PERSON, Channel.KIOSK, System("start"), "b1"))
    asked = run_turn(
        services, Inbound(B_PERSON, Channel.KIOSK, Pressed(0, f"appt:{made.id}:no"), "b2")
    )
    run_turn(
        services, Inbound(B_PERSON, Channel.KIOSK, Pressed(asked.state.seq, "transport"), "b3")
    )
    [flag] = flags.list_flags(services, person_id=B_PERSON)
    page = unescape(cpip.get(f"/console/persons/{B_PERSON}").text)
    assert "Ne peut pas venir" in page
    assert "Convocation chez le juge (JAP), jeudi 5 mars 2026 à 9 h 00" in page
    assert "Raison : Je n'ai pas de moyen d'y aller" in page
    response = cpip.post(f"/console/persons/{B_PERSON}/flags/{flag.id}/dealt")
    after = unescape(cpip.get(response.headers["location"]).text)
    assert "Signalement traité." in after
    assert f"traité le 2 mars 2026, 09:00 par {A_LOGIN}" in after
    [dealt] = flags.list_flags(services, person_id=B_PERSON)
    assert (dealt.dealt_by, dealt.dealt_at) == (A_LOGIN, clock.now())
    again = cpip.post(f"/console/persons/{B_PERSON}/flags/{flag.id}/dealt")
    assert "Ce signalement était déjà traité." in unescape(cpip.get(again.headers["location"]).text)
    other = cpip.post(f"/console/persons/{A_PERSON}/flags/{flag.id}/dealt")  # not A's flag
    assert other.status_code == 404
    assert [(e.person_id, e.detail) for e in audit(services, "flag_dealt")] == [
        (B_PERSON, {"flag": flag.id})
    ]
    assert audit(services, "console_refused")[-1].detail["reason"] == "not_theirs"
