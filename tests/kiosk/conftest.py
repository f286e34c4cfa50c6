"""Fixtures of the kiosk specifications: a browser without JavaScript, logged in or not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.kiosk.visitor import Kiosk


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://kiosk.test") as client:
        yield client


@pytest.fixture
def kiosk(client: TestClient) -> Kiosk:
    return Kiosk(client)


@pytest.fixture
def logged_in(kiosk: Kiosk) -> Kiosk:
    """Démo A (DEMO01), logged in, on the home menu."""
    response = kiosk.login()
    assert response.status_code == 303
    return kiosk
