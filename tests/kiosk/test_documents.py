"""A CV built in the conversation opens at the kiosk as a page to print, for its person only."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.kiosk.visitor import Kiosk


def build_cv(kiosk: Kiosk) -> str:
    """Walk Emploi → Faire mon CV, answering every question; the chat page after it."""
    kiosk.press("emploi")
    kiosk.press("cv")
    for answer in ("Cuisinier", "Plonge, 2 ans", "CAP cuisine", "Cuisiner <vite>", "Français"):
        kiosk.say(answer)
    kiosk.press("yes_phone")
    kiosk.say("06 12 34 56 78")
    return kiosk.chat().text


def test_the_cv_opens_as_a_printable_page_with_every_answer(client: TestClient) -> None:
    kiosk = Kiosk(client)
    kiosk.login()
    chat = build_cv(kiosk)
    link = re.search(r'href="(/kiosk/document/\d+)"', chat)
    assert link is not None, "the CV bubble links to its page"

    page = client.get(link.group(1))

    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    text = html.unescape(page.text)
    assert "Mon CV" in text
    for shown in (
        "Cuisinier",
        "Plonge, 2 ans",
        "CAP cuisine",
        "06 12 34 56 78",
        "Le travail que je cherche",
    ):
        assert shown in text
    assert "Cuisiner &lt;vite&gt;" in page.text  # what the person typed is text, never HTML
    assert 'data-print="1"' in page.text
    assert "Démo A" in text  # first and last name, as on a CV


def test_the_cv_page_logs_out_by_itself_like_the_chat(client: TestClient) -> None:
    """Nothing of the person may stay on a shared screen: "J'ai fini" and the idle
    logout are on the document page too."""
    kiosk = Kiosk(client)
    kiosk.login()
    link = re.search(r'href="(/kiosk/document/\d+)"', build_cv(kiosk))
    assert link is not None

    page = client.get(link.group(1)).text

    assert 'action="/kiosk/logout"' in page
    assert re.search(r'data-idle="\d+"', page)
    assert 'http-equiv="refresh"' in page  # without JavaScript too


def test_another_persons_document_is_not_found(client: TestClient) -> None:
    first = Kiosk(client)
    first.login()
    link = re.search(r'href="(/kiosk/document/\d+)"', build_cv(first))
    assert link is not None
    client.cookies.clear()
    other = Kiosk(client)
    other.login(code="DEMO02", pin="5678")

    assert client.get(link.group(1)).status_code == 404


def test_a_logged_out_visitor_gets_no_document(client: TestClient) -> None:
    assert client.get("/kiosk/document/1").status_code == 401
