"""Appointments from a person's page: added, moved, cancelled, marked done or missed,
with their reminders following and the person told at the kiosk; a form typed wrong
comes back as typed, with what to fix in French; every change in the audit log."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient

from bot import appointments
from bot.clock import MovableClock
from bot.services import Services
from storage.enums import AppointmentStatus
from tests.console.desk import A_LOGIN, A_PERSON, B_PERSON, Desk, audit
from tests.kiosk.visitor import Kiosk

SPIP = {
    "kind": "spip",
    "day": "2026-03-12",
    "time": "14:30",
    "place": "SPIP d'Arras",
    "address": "12 rue de la Paix",
    "with_whom": "Mme Martin",
    "bring": "Votre carte d'identité",
}


def shown(html: str) -> str:
    """The text a person reads: no tags, French narrow spaces as plain ones."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ").split())


def appointments_section(html: str) -> str:
    start = html.index('id="appointments-section"')
    return shown(html[start : html.index('aria-labelledby="flags"', start)])


def add(cpip: Desk, **changes: str) -> str:
    response = cpip.post(f"/console/persons/{A_PERSON}/appointments", **{**SPIP, **changes})
    assert response.status_code == 303, response.text[:300]
    return cpip.get(response.headers["location"]).text


def test_an_appointment_added_has_its_reminders_and_the_person_is_told(
    cpip: Desk, services: Services, client: TestClient
) -> None:
    page = appointments_section(add(cpip))
    assert "Rendez-vous ajouté : la personne est prévenue et ses rappels sont prévus." in shown(
        cpip.get(f"/console/persons/{A_PERSON}?notice=appointment_added").text
    )
    assert "jeudi 12 mars 2026 à 14 h 30 · Convocation au SPIP · prévu" in page
    assert "SPIP d'Arras · 12 rue de la Paix" in page
    assert "Avec : Mme Martin" in page
    assert (
        "Rappels : J-7 (prévu le 5 mars 2026, 14:30), J-1 (prévu le 11 mars 2026, 18:00), "
        "H-2 (prévu le 12 mars 2026, 12:30), le lendemain (prévu le 13 mars 2026, 14:30)"
    ) in page
    [made] = appointments.list_of(services, A_PERSON)
    assert made.start == datetime(2026, 3, 12, 13, 30, tzinfo=UTC)  # Paris is UTC+1 in March
    assert made.created_by == A_LOGIN
    assert [r.label for r in made.reminders] == ["J-7", "J-1", "H-2", "follow-up"]
    kiosk = Kiosk(client)
    kiosk.login()
    assert "Nouveau rendez-vous : Convocation au SPIP" in shown(kiosk.chat().text)
    [added] = audit(services, "appointment_added")
    assert (added.person_id, added.detail["appointment"]) == (A_PERSON, made.id)


@pytest.mark.parametrize(
    ("day", "time", "says"),
    [
        ("2026-03-01", "10:00", "Ce moment est déjà passé : vérifiez le jour et l'heure."),
        ("2029-03-01", "10:00", "Ce moment est dans plus de deux ans : vérifiez l'année."),
        ("", "10:00", "Choisissez le jour et l'heure du rendez-vous."),
        ("2026-03-29", "02:30", "Cette heure n'existe pas cette nuit-là"),
        ("2026-10-25", "02:30", "Cette heure existe deux fois cette nuit-là"),
    ],
)
def test_a_wrong_moment_comes_back_as_typed_with_what_to_fix(
    cpip: Desk, services: Services, day: str, time: str, says: str
) -> None:
    response = cpip.post(
        f"/console/persons/{A_PERSON}/appointments", **{**SPIP, "day": day, "time": time}
    )
    assert response.status_code == 400
    page = response.text
    assert says in shown(page)
    assert f'name="day" type="date" required value="{day}"' in page
    assert 'value="SPIP d&#39;Arras"' in page  # what was typed is kept
    assert '<option value="spip" selected>' in page
    assert appointments.list_of(services, A_PERSON) == []
    assert audit(services, "appointment_added") == []


def test_an_unknown_kind_or_a_text_too_long_is_refused(cpip: Desk, services: Services) -> None:
    unknown = cpip.post(f"/console/persons/{A_PERSON}/appointments", **{**SPIP, "kind": "party"})
    assert "Choisissez le type de rendez-vous dans la liste." in shown(unknown.text)
    long = cpip.post(f"/console/persons/{A_PERSON}/appointments", **{**SPIP, "place": "x" * 201})
    assert long.status_code == 400
    assert "« Lieu » est trop long : 200 caractères au plus." in shown(long.text)
    assert appointments.list_of(services, A_PERSON) == []


def test_a_move_plans_the_reminders_again_and_tells_the_person(
    cpip: Desk, services: Services, client: TestClient
) -> None:
    add(cpip)
    [made] = appointments.list_of(services, A_PERSON)
    base = f"/console/persons/{A_PERSON}/appointments/{made.id}"
    wrong = cpip.post(f"{base}/move", day="2026-03-01", time="09:00")
    assert wrong.status_code == 400
    assert "Ce moment est déjà passé" in shown(wrong.text)
    assert f'id="move-day-{made.id}" name="day" type="date" required value="2026-03-01"' in (
        wrong.text
    )
    moved = cpip.post(f"{base}/move", day="2026-03-06", time="09:15")
    page = appointments_section(cpip.get(moved.headers["location"]).text)
    assert "vendredi 6 mars 2026 à 9 h 15 · Convocation au SPIP · prévu" in page
    [again] = appointments.list_of(services, A_PERSON)
    pending = [(r.label, r.due_at) for r in again.reminders if r.outcome is None]
    assert pending == [
        ("J-1", datetime(2026, 3, 5, 17, 0, tzinfo=UTC)),  # 18:00 in Paris, the day before
        ("H-2", datetime(2026, 3, 6, 7, 0, tzinfo=UTC)),
        ("follow-up", datetime(2026, 3, 7, 8, 15, tzinfo=UTC)),
    ]
    old = [(r.label, r.detail) for r in again.reminders if r.outcome is not None]
    assert old == [("J-7", "moved"), ("J-1", "moved"), ("H-2", "moved"), ("follow-up", "moved")]
    kiosk = Kiosk(client)
    kiosk.login()
    assert "Rendez-vous déplacé : Convocation au SPIP" in shown(kiosk.chat().text)
    assert [e.detail["start"] for e in audit(services, "appointment_moved")] == [
        "2026-03-06T08:15:00+00:00"
    ]


def test_cancel_done_and_missed(cpip: Desk, services: Services, clock: MovableClock) -> None:
    add(cpip)
    add(cpip, day="2026-03-02", time="09:20")  # in a few minutes
    add(cpip, day="2026-03-02", time="09:25")
    later, first, second = sorted(
        appointments.list_of(services, A_PERSON), key=lambda a: a.start, reverse=True
    )
    base = f"/console/persons/{A_PERSON}/appointments"
    cancelled = cpip.post(f"{base}/{later.id}/cancel")
    page = cpip.get(cancelled.headers["location"]).text
    assert "Rendez-vous annulé : ses rappels ne partiront pas." in shown(page)
    assert "Convocation au SPIP · annulé" in appointments_section(page)
    assert {r.outcome for r in appointments.get(services, later.id).reminders} == {"cancelled"}
    clock.advance(timedelta(minutes=25))  # both are past now (and the session still alive)
    cpip.post(f"{base}/{first.id}/done")
    cpip.post(f"{base}/{second.id}/missed")
    assert appointments.get(services, first.id).status is AppointmentStatus.DONE
    assert appointments.get(services, second.id).status is AppointmentStatus.MISSED
    refused = cpip.post(f"{base}/{later.id}/done")  # a cancelled one stays cancelled
    assert refused.status_code == 400
    assert "Ce rendez-vous est annulé ou fait : il ne change plus." in shown(refused.text)
    assert [e.action for e in audit(services) if e.action.startswith("appointment_")] == [
        "appointment_added",
        "appointment_added",
        "appointment_added",
        "appointment_cancelled",
        "appointment_done",
        "appointment_missed",
    ]


def test_another_persons_appointment_is_not_found(
    cpip: Desk, cpip_b: Desk, services: Services
) -> None:
    theirs = appointments.add(
        services, B_PERSON, "health", datetime(2026, 3, 20, 9, tzinfo=UTC), by="cpip.b"
    )
    for action in ("cancel", "done", "missed"):
        response = cpip.post(f"/console/persons/{A_PERSON}/appointments/{theirs.id}/{action}")
        assert response.status_code == 404
    for forged in ("0", "abc", "99999", str(theirs.id)):
        move = cpip.post(
            f"/console/persons/{A_PERSON}/appointments/{forged}/move",
            day="2026-03-21",
            time="10:00",
        )
        assert move.status_code == 404
    assert appointments.get(services, theirs.id).status is AppointmentStatus.PLANNED
    reasons = [e.detail["reason"] for e in audit(services, "console_refused")]
    assert reasons.count("not_theirs") == 7
