"""Fixtures of the console specifications: the app with two caseloads and an
administrator, and browsers logged in as each."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.services import Services
from tests.conftest import ServicesFactory
from tests.console.desk import ADMIN_LOGIN, ADMIN_PASSWORD, B_LOGIN, B_PASSWORD, Desk, two_caseloads


@pytest.fixture
def services(make_services: ServicesFactory) -> Services:
    services = make_services()
    two_caseloads(services)
    return services


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services=services)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://console.test") as client:
        yield client


@pytest.fixture
def desk(client: TestClient) -> Desk:
    return Desk(client)


@pytest.fixture
def cpip(desk: Desk) -> Desk:
    """CPIP A (cpip.demo, follows DEMO01), logged in."""
    assert desk.log_in().status_code == 303
    return desk


@pytest.fixture
def cpip_b(app: FastAPI) -> Iterator[Desk]:
    with TestClient(app, base_url="http://console.test") as client:
        desk = Desk(client)
        assert desk.log_in(B_LOGIN, B_PASSWORD).status_code == 303
        yield desk


@pytest.fixture
def admin(app: FastAPI) -> Iterator[Desk]:
    with TestClient(app, base_url="http://console.test") as client:
        desk = Desk(client)
        assert desk.log_in(ADMIN_LOGIN, ADMIN_PASSWORD).status_code == 303
        yield desk
