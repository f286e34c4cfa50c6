"""Release from the console: the planned date, marking the person released, a link code
with its printable sheet (in the person's language, with what is left to do), and the
end of the follow-up; each change audited."""

from __future__ import annotations

import re
from html import unescape

from bot.services import Services
from storage.database import read_session
from storage.enums import Channel
from storage.models import Person
from storage.transcript import recent_transcript
from tests.console.desk import A_PERSON, B_PERSON, Desk, audit


def test_the_planned_release_date_is_set_shown_and_cleared(cpip: Desk, services: Services) -> None:
    response = cpip.post(f"/console/persons/{A_PERSON}/release-date", day="2026-05-04")
    page = unescape(cpip.get(response.headers["location"]).text)
    assert "Date de sortie prévue enregistrée." in page
    assert "Sortie prévue le 4 mai 2026" in page
    assert "prévue le 4 mai 2026" in unescape(cpip.get("/console").text)
    wrong = cpip.post(f"/console/persons/{A_PERSON}/release-date", day="04/05/2026")
    assert "Cette date n'a pas pu être lue." in unescape(cpip.get(wrong.headers["location"]).text)
    cpip.post(f"/console/persons/{A_PERSON}/release-date", day="")
    assert "Sortie prévue" not in unescape(cpip.get(f"/console/persons/{A_PERSON}").text)
    days = [e.detail["day"] for e in audit(services, "release_date_set")]
    assert days == ["2026-05-04", None]


def test_marking_released_tells_the_conversation_once(cpip: Desk, services: Services) -> None:
    response = cpip.post(f"/console/persons/{A_PERSON}/release")
    page = unescape(cpip.get(response.headers["location"]).text)
    assert "La sortie est enregistrée ; la conversation passe dehors." in page
    assert "Sortie le 2 mars 2026" in page
    assert "Marquer comme sortie" not in page
    again = cpip.post(f"/console/persons/{A_PERSON}/release")
    assert "La personne était déjà sortie." in unescape(cpip.get(again.headers["location"]).text)
    with read_session(services.engine) as session:
        said = [e.text for e in recent_transcript(session, A_PERSON) if e.channel is Channel.SYSTEM]
    assert (
        said.count(
            "Votre sortie est enregistrée. Vous pouvez continuer sur votre téléphone, avec Telegram."
        )
        == 1
    )
    [released] = audit(services, "person_released")
    assert (released.actor_kind, released.actor_id) == ("counsellor", "1")


def test_the_release_sheet_has_a_fresh_code_and_what_is_left_to_do(
    cpip: Desk, services: Services
) -> None:
    first = cpip.post(f"/console/persons/{A_PERSON}/link-code")
    assert first.status_code == 200
    sheet = unescape(first.text)
    assert "Continuer Fil rouge sur votre téléphone" in sheet
    assert "Pour\u202f: Démo A" in re.sub(r"<[^>]+>", "", sheet)  # French typography
    code = re.search(r'<p class="code" dir="ltr"><bdi>([A-Z0-9-]{12})</bdi></p>', sheet)
    assert code is not None
    assert "<svg" in sheet  # the QR code
    assert "Ce qu'il vous reste à faire" in sheet
    assert "<li>Complémentaire santé solidaire</li>" in sheet
    assert "style-src 'unsafe-inline'" in first.headers["content-security-policy"]
    assert first.headers["cache-control"] == "no-store"
    second = unescape(cpip.post(f"/console/persons/{A_PERSON}/link-code").text)
    assert code.group(1) not in second  # a new code replaces the previous one
    issued = audit(services, "link_code_issued")
    assert [(e.actor_kind, e.actor_id, e.person_id) for e in issued] == [
        ("counsellor", "1", A_PERSON),
        ("counsellor", "1", A_PERSON),
    ]


def test_the_sheet_is_in_the_persons_language(cpip_b: Desk) -> None:
    sheet = cpip_b.post(f"/console/persons/{B_PERSON}/link-code").text
    assert '<html lang="ar" dir="rtl">' in sheet
    assert "<h2>ما بقي عليك فعله</h2>" in sheet


def test_ending_the_follow_up_starts_the_retention_delay(cpip: Desk, services: Services) -> None:
    page = unescape(cpip.get(f"/console/persons/{A_PERSON}").text)
    assert "les données sont effacées après 12 mois" in page
    response = cpip.post(f"/console/persons/{A_PERSON}/followup", action="end")
    page = unescape(cpip.get(response.headers["location"]).text)
    assert "Le suivi est clos." in page
    assert "Suivi clos le 2 mars 2026" in page
    with read_session(services.engine) as session:
        person = session.get(Person, A_PERSON)
        assert person is not None
        assert person.followup_ended_at is not None
    cpip.post(f"/console/persons/{A_PERSON}/followup", action="reopen")
    assert "Rouvrir le suivi" not in cpip.get(f"/console/persons/{A_PERSON}").text
    assert [e.action for e in audit(services) if e.action.startswith("followup")] == [
        "followup_ended",
        "followup_reopened",
    ]
