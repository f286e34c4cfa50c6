"""A busy database: what the person typed stays in the field, nothing is saved
half-way, and sending again is answered once."""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.services import Services
from storage.enums import Direction
from tests.conftest import ServicesFactory
from tests.kiosk.visitor import Kiosk, read_page, transcript

# As shown: the colon kept with its word by a narrow no-break space (bot/typography.py).
BUSY = "Le service est occupé. Votre message n'est pas perdu\u202f: appuyez à nouveau sur Envoyer."


@pytest.fixture
def services(make_services: ServicesFactory) -> Services:
    """Writers give up after 200 ms instead of 5 s."""
    return make_services(sqlite_busy_timeout_ms=200)


@contextmanager
def _locked(services: Services) -> Iterator[None]:
    """Another connection (another process, say) holds SQLite's write lock."""
    path = services.engine.url.database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_busy_timeout_comes_from_the_settings(services: Services) -> None:
    with services.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 200


def test_typed_text_is_kept_when_the_database_is_busy_and_sending_again_is_answered_once(
    logged_in: Kiosk, services: Services
) -> None:
    page = logged_in.chat()
    before = len(transcript(services))
    said = "Bonjour, j'ai une question sur ma carte vitale"
    with _locked(services):
        busy = logged_in.say(said, page)
    assert busy.status_code == 503
    shown = html.unescape(busy.text)
    assert BUSY in shown
    assert f">{said}</textarea>" in shown
    assert busy.headers["cache-control"] == "no-store"
    assert len(transcript(services)) == before  # nothing saved

    # The page that came back carries the same message: same id, same text.
    again = read_page(busy).text_form().fields
    assert again["mid"] == page.text_form().fields["mid"]
    assert again["text"] == said
    # The database is free: « Envoyer » again, then the old page's form once more.
    assert (
        logged_in.client.post("/kiosk/say", data=again, follow_redirects=False).status_code == 303
    )
    assert logged_in.say(said, page).status_code == 303
    inbound = [e for e in transcript(services)[before:] if e.direction == Direction.IN]
    assert [e.text for e in inbound] == [said]


def test_the_conversation_can_be_read_while_the_database_is_busy(
    logged_in: Kiosk, services: Services
) -> None:
    with _locked(services):
        page = logged_in.chat()
    assert "Bonjour Démo." in page.text


def test_a_button_pressed_while_busy_gets_the_busy_page_leading_back_to_the_chat(
    logged_in: Kiosk, services: Services
) -> None:
    page = logged_in.chat()
    before = len(transcript(services))
    with _locked(services):
        response = logged_in.press("menu", page)
    assert response.status_code == 503
    assert "Le service est occupé." in response.text
    assert '<a href="/kiosk/chat">' in response.text
    assert "history.back" not in response.text
    assert response.headers["retry-after"] == "2"
    assert len(transcript(services)) == before
    assert logged_in.press("menu", page).status_code == 303
