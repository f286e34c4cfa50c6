"""A busy database: the kiosk shows the app's "occupied" page, and saves nothing half-way."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from bot.services import Services
from storage.database import make_engine
from tests.kiosk.visitor import Kiosk, transcript


@contextmanager
def _locked(services: Services) -> Iterator[None]:
    """Another process holds SQLite's write lock; our writers give up after 50 ms."""
    url = services.engine.url
    path = url.database
    assert path is not None
    patient = services.engine
    services.engine = make_engine(str(url), sqlite_busy_timeout_ms=50)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()
        services.engine.dispose()
        services.engine = patient


def test_locked_database_gives_the_busy_page_and_loses_nothing(
    logged_in: Kiosk, services: Services
) -> None:
    page = logged_in.chat()
    before = len(transcript(services))
    with _locked(services):
        response = logged_in.say("bonjour", page)
    assert response.status_code == 503
    assert "Le service est occupé." in response.text
    assert response.headers["cache-control"] == "no-store"
    assert len(transcript(services)) == before
    # Once the database is free, the same form (same message id) goes through.
    assert logged_in.say("bonjour", page).status_code == 303
    assert transcript(services)[before].text == "bonjour"
