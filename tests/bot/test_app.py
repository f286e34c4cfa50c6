"""The web app as an administrator's monitoring sees it: `/healthz`, and `/` to the kiosk."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from bot.app import create_app
from bot.services import Services
from storage.database import make_engine


def test_healthz_answers_200_when_the_database_answers(services: Services) -> None:
    with TestClient(create_app(services=services)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"


def test_healthz_answers_503_when_the_database_is_gone(services: Services, tmp_path: Path) -> None:
    services.engine.dispose()
    # The service now points at a database it cannot open (a folder that is gone).
    services.engine = make_engine(f"sqlite:///{tmp_path / 'gone' / 'filrouge.db'}")
    with TestClient(create_app(services=services)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "database" in response.text


def test_the_root_sends_to_the_kiosk(services: Services) -> None:
    with TestClient(create_app(services=services)) as client:
        response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/kiosk"
