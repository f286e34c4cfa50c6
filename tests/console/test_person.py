"""A person's page: the transcript with its channels, by pages, by day, searched; the
file beside it; private notes; a message that reaches the person; every view audited."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient

from bot.services import Services
from bot.turn import Inbound, TurnResult, run_turn
from dialogs.events import Event, Pressed, Said, System
from storage.enums import Channel, Direction
from storage.persons import attach_identity, mark_unreachable
from storage.transcript import Entry, append_transcript
from tests.console.desk import A_PERSON, B_PERSON, Desk, audit
from tests.kiosk.visitor import Kiosk

_ids = itertools.count(1)


def at_the_kiosk(services: Services, person_id: int, event: Event) -> TurnResult:
    return run_turn(services, Inbound(person_id, Channel.KIOSK, event, f"k{next(_ids)}"))


def lines(html: str) -> list[str]:
    """The texts of the transcript entries on a page, in order."""
    found = re.findall(r'<bdi dir="auto" class="said">(.*?)</bdi>', html, flags=re.S)
    return [unescape(re.sub(r"<[^>]+>", "", text)) for text in found]


def write(services: Services, person_id: int, texts: list[str], start: datetime) -> None:
    entries = [
        Entry(person_id, start + timedelta(minutes=n), Channel.TELEGRAM, Direction.IN, text)
        for n, text in enumerate(texts)
    ]
    with services.write() as tx:
        append_transcript(tx.session, entries)


def test_the_transcript_shows_who_said_what_on_which_channel(
    cpip: Desk, services: Services
) -> None:
    result = at_the_kiosk(services, A_PERSON, System("start"))
    at_the_kiosk(services, A_PERSON, Pressed(result.state.seq, "sante"))
    write(services, A_PERSON, ["envoyé de mon téléphone"], datetime.now(UTC))
    cpip.post(f"/console/persons/{A_PERSON}/messages", text="Je passe vous voir jeudi.")
    page = unescape(cpip.get(f"/console/persons/{A_PERSON}").text)
    assert "Bonjour Démo. Je suis Fil rouge." in page
    assert "(Connexion à la borne)" in page
    assert re.search(r"Borne</span> · <span class=\"who\">La personne</span>", page)
    assert re.search(r"Telegram</span> · <span class=\"who\">La personne", page)
    assert "Message de votre conseiller, CPIP démo :\nJe passe vous voir jeudi." in page
    assert re.search(r'class="channel counsellor">Conseiller', page)
    assert lines(page)[-2:] == [
        "envoyé de mon téléphone",
        "Message de votre conseiller, CPIP démo :\nJe passe vous voir jeudi.",
    ]
    assert "En ce moment : Santé" in page
    assert '<li class="started" title="Santé : en cours (0/9)">' in page


def test_what_a_person_wrote_is_shown_as_text_and_cannot_turn_the_page_around(
    cpip: Desk, services: Services
) -> None:
    at_the_kiosk(services, A_PERSON, System("start"))
    at_the_kiosk(services, A_PERSON, Said('<script>alert("x")</script> \u202etxet\u2066 fin'))
    page = cpip.get(f"/console/persons/{A_PERSON}").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "\u202e" not in page
    assert "\u2066" not in page
    assert '<span class="ctl" title="U+202E">[U+202E]</span>txet' in page
    assert '<bdi dir="auto" class="said">&lt;script&gt;' in page  # isolated from its neighbours


def test_the_latest_page_comes_first_and_older_pages_follow(cpip: Desk, services: Services) -> None:
    write(
        services, A_PERSON, [f"message {n}" for n in range(120)], datetime(2026, 11, 1, tzinfo=UTC)
    )
    page = cpip.get(f"/console/persons/{A_PERSON}").text
    assert lines(page) == [f"message {n}" for n in range(70, 120)]
    older = re.search(r'href="(/console/persons/1\?before=\d+)#conversation"', page)
    assert older is not None
    assert "Plus récents" not in page
    second = cpip.get(older.group(1)).text
    assert lines(second) == [f"message {n}" for n in range(20, 70)]
    assert "Plus récents" in unescape(second)
    assert "data-live" not in second  # only the latest page follows new messages


def test_a_day_opens_the_transcript_from_that_day(cpip: Desk, services: Services) -> None:
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)  # 9:00 in Paris
    entries = [
        Entry(A_PERSON, start + timedelta(days=n), Channel.KIOSK, Direction.IN, f"jour {n + 1}")
        for n in range(10)
    ]
    with services.write() as tx:
        append_transcript(tx.session, entries)
    assert lines(cpip.get(f"/console/persons/{A_PERSON}?day=2026-11-08").text)[:2] == [
        "jour 8",
        "jour 9",
    ]
    late = unescape(cpip.get(f"/console/persons/{A_PERSON}?day=2027-01-01").text)
    assert "Rien n'a été écrit depuis ce jour" in late
    assert lines(late)[-1] == "jour 10"
    days = [e.detail["day"] for e in audit(services, "person_viewed")]
    assert days == ["2026-11-08", "2027-01-01"]


def test_a_search_finds_words_without_their_accents_and_opens_them_in_place(
    cpip: Desk, services: Services
) -> None:
    write(services, A_PERSON, ["bonjour", "Mon TÉLÉPHONE est cassé", "merci"], datetime.now(UTC))
    write(services, B_PERSON, ["mon téléphone aussi"], datetime.now(UTC))
    found = cpip.get(f"/console/persons/{A_PERSON}/search?q=telephone+CASSE")
    assert lines(found.text) == ["Mon TÉLÉPHONE est cassé"]
    link = re.search(r'href="(/console/persons/1\?around=(\d+))#e\2"', found.text)
    assert link is not None
    shown = cpip.get(link.group(1)).text
    assert f'class="line person focus" id="e{link.group(2)}"' in shown
    [searched] = audit(services, "transcript_searched")
    assert (searched.person_id, searched.detail) == (
        A_PERSON,
        {"query": "telephone CASSE", "results": 1},
    )


def test_an_entry_of_another_person_shown_around_leaks_nothing(
    cpip: Desk, services: Services
) -> None:
    write(services, B_PERSON, ["secret de B"], datetime.now(UTC))
    write(services, A_PERSON, ["dit par A"], datetime.now(UTC))
    page = cpip.get(f"/console/persons/{A_PERSON}?around=1").text
    assert "secret de B" not in page
    assert "focus" not in page
    assert lines(page) == ["dit par A"]


def test_a_search_across_the_caseload_finds_only_its_persons(
    cpip: Desk, cpip_b: Desk, services: Services
) -> None:
    write(services, A_PERSON, ["rendez-vous au CCAS"], datetime.now(UTC))
    write(services, B_PERSON, ["rendez-vous à la CAF"], datetime.now(UTC))
    assert lines(cpip.get("/console/search?q=rendez").text) == ["rendez-vous au CCAS"]
    assert lines(cpip_b.get("/console/search?q=rendez").text) == ["rendez-vous à la CAF"]
    assert "Aucun message ne contient ces mots." in unescape(cpip.get("/console/search?q=caf").text)
    assert [e.detail["query"] for e in audit(services, "caseload_searched")] == [
        "rendez",
        "rendez",
        "caf",
    ]


def test_the_live_update_brings_what_was_said_since_and_nothing_else(
    cpip: Desk, services: Services
) -> None:
    at_the_kiosk(services, A_PERSON, System("start"))
    page = cpip.get(f"/console/persons/{A_PERSON}").text
    last = re.search(r'data-last="(\d+)"', page)
    assert last is not None
    live = f"/console/persons/{A_PERSON}/live?after={last.group(1)}"
    assert cpip.get(live).status_code == 204
    at_the_kiosk(services, A_PERSON, Said("je suis là"))
    fresh = cpip.get(live)
    assert fresh.status_code == 200
    assert lines(fresh.text)[0] == "je suis là"
    assert int(fresh.headers["x-last-entry"]) > int(last.group(1))
    assert [e.detail.get("live") for e in audit(services, "person_viewed")] == [None, True]


def test_a_private_note_is_kept_and_never_shown_to_the_person(
    cpip: Desk, services: Services, client: TestClient
) -> None:
    response = cpip.post(f"/console/persons/{A_PERSON}/notes", text="  Fragile ce matin.  ")
    assert response.headers["location"] == f"/console/persons/{A_PERSON}?notice=note#notes"
    page = unescape(cpip.get(response.headers["location"]).text)
    assert "Note enregistrée." in page
    assert "Fragile ce matin." in page
    assert "CPIP démo" in page
    empty = cpip.post(f"/console/persons/{A_PERSON}/notes", text="   ")
    assert "Le note est vide" not in unescape(cpip.get(empty.headers["location"]).text)
    assert "La note est vide." in unescape(cpip.get(empty.headers["location"]).text)
    kiosk = Kiosk(client)
    kiosk.login()
    assert "Fragile" not in kiosk.chat().text
    assert [e.detail["note"] for e in audit(services, "note_written")] == [1]


def test_a_message_reaches_the_person_at_the_kiosk(
    cpip: Desk, services: Services, client: TestClient
) -> None:
    response = cpip.post(f"/console/persons/{A_PERSON}/messages", text="Pensez à votre CV.")
    assert "Message enregistré : la personne le lira à la borne." in unescape(
        cpip.get(response.headers["location"]).text
    )
    kiosk = Kiosk(client)
    kiosk.login()
    shown = unescape(re.sub(r"<[^>]+>", "", kiosk.chat().text))  # words explained are buttons
    assert "Message de votre conseiller, CPIP démo\u202f:\nPensez à votre CV." in shown
    too_long = cpip.post(f"/console/persons/{A_PERSON}/messages", text="x" * 2001)
    assert "Ce texte est trop long." in unescape(cpip.get(too_long.headers["location"]).text)


def test_the_follow_up_sections_say_there_is_nothing_yet(cpip: Desk) -> None:
    page = unescape(cpip.get(f"/console/persons/{A_PERSON}").text)
    assert "Aucun rendez-vous" in page
    assert "Aucun signalement" in page


@pytest.mark.parametrize("forged", ["2", "abc", "0", "-1", "1.0", "99999999999", "٣"])
def test_a_person_not_followed_and_a_forged_id_get_the_same_404(
    cpip: Desk, services: Services, forged: str
) -> None:
    nobody = cpip.get("/console/persons/999")
    response = cpip.get(f"/console/persons/{forged}")
    assert response.status_code == 404
    assert response.text == nobody.text
    refusal = audit(services, "console_refused")[-1]
    assert refusal.actor_id == "1"
    assert refusal.person_id == (B_PERSON if forged == "2" else None)


def test_a_transcript_of_fifty_thousand_messages_opens_on_its_latest_page(
    cpip: Desk, services: Services
) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with services.write() as tx:
        for chunk in range(10):
            append_transcript(
                tx.session,
                [
                    Entry(
                        A_PERSON, start + timedelta(minutes=n), Channel.KIOSK, Direction.IN, f"m{n}"
                    )
                    for n in range(chunk * 5000, (chunk + 1) * 5000)
                ],
            )
    page = cpip.get(f"/console/persons/{A_PERSON}").text
    assert lines(page) == [f"m{n}" for n in range(49950, 50000)]
    first = cpip.get(f"/console/persons/{A_PERSON}?day=2025-01-01").text
    assert lines(first)[0] == "m0"
    assert lines(cpip.get(f"/console/persons/{A_PERSON}/search?q=m49999").text) == ["m49999"]


def test_writing_to_a_person_who_blocked_the_bot_warns_it_may_not_arrive(
    cpip: Desk, services: Services
) -> None:
    with services.write() as tx:
        attach_identity(tx.session, A_PERSON, Channel.TELEGRAM, "4242")
    page = unescape(cpip.get(f"/console/persons/{A_PERSON}").text)
    assert "Le message part sur son téléphone (Telegram)." in page
    assert "ce message risque de ne pas arriver" not in page
    with services.write() as tx:
        mark_unreachable(tx.session, A_PERSON, tx.now)
    page = unescape(cpip.get(f"/console/persons/{A_PERSON}").text)
    assert "Injoignable" in page
    assert "(elle a bloqué le robot) : ce message risque de ne pas arriver." in page
