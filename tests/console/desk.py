"""A counsellor's browser without JavaScript (Starlette's TestClient): logs in through
the login form, reads the CSRF token of the pages it gets, posts their forms."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
from fastapi.testclient import TestClient
from sqlmodel import col, select

from bot import counsellors
from bot.services import Services
from storage.database import read_session
from storage.models import AuditEvent

A_LOGIN, A_PASSWORD = "cpip.demo", "demo-cpip-2026"
B_LOGIN, B_PASSWORD = "cpip.b", "cpip-b-password"
ADMIN_LOGIN, ADMIN_PASSWORD = "admin.demo", "admin-password"
A_PERSON, B_PERSON = 1, 2  # DEMO01 (French) follows A, DEMO02 (Arabic) follows B
_TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


def two_caseloads(services: Services) -> None:
    """The demo's CPIP (A) keeps DEMO01; a second CPIP (B) takes DEMO02; an administrator
    follows nobody."""
    counsellors.add_account(services, B_LOGIN, "CPIP B", "cpip", B_PASSWORD)
    counsellors.add_account(services, ADMIN_LOGIN, "Admin démo", "admin", ADMIN_PASSWORD)
    counsellors.assign_person(services, A_LOGIN, "DEMO02", remove=True)
    counsellors.assign_person(services, B_LOGIN, "DEMO02")


def plant(client: TestClient, token: str) -> None:
    """Put a session cookie in the browser, as its own would be."""
    client.cookies.set("filrouge_console", token, domain="console.test", path="/console")


def session_token(client: TestClient) -> str:
    token: str | None = client.cookies.get(
        "filrouge_console", domain="console.test", path="/console"
    )
    assert token, "no session cookie"
    return token


def token_in(html: str) -> str:
    found = _TOKEN.search(html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


@dataclass
class Desk:
    """One browser on the console (its own cookies)."""

    client: TestClient
    csrf: str = ""

    def log_in(self, login: str = A_LOGIN, password: str = A_PASSWORD) -> httpx.Response:
        page = self.client.get("/console/login")
        data = {"login": login, "password": password, "csrf": token_in(page.text)}
        response: httpx.Response = self.client.post(
            "/console/login", data=data, follow_redirects=False
        )
        if response.status_code == 303:
            self.csrf = token_in(self.client.get("/console").text)
        return response

    def get(self, path: str) -> httpx.Response:
        response: httpx.Response = self.client.get(path, follow_redirects=False)
        return response

    def post(self, path: str, **data: str) -> httpx.Response:
        form = {"csrf": self.csrf, **data}
        response: httpx.Response = self.client.post(path, data=form, follow_redirects=False)
        return response


def audit(services: Services, action: str | None = None) -> list[AuditEvent]:
    with read_session(services.engine) as session:
        query = select(AuditEvent).order_by(col(AuditEvent.id))
        if action is not None:
            query = query.where(AuditEvent.action == action)
        return list(session.exec(query).all())
