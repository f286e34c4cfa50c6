"""No console page answers a server error, whatever is sent: every console route of the
app (from its route table), every parameter, hostile values, logged in as a counsellor
and as an administrator, on SQLite and on PostgreSQL (where a NUL byte in a string is
refused by the database itself)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.services import Services
from tests.console.desk import ADMIN_LOGIN, ADMIN_PASSWORD, Desk, two_caseloads
from tests.services import demo_services

HOSTILE = [
    "\x00",
    "a\x00b",
    "\x07\x1b[2J",
    "٣٤",
    "9" * 40,
    "-1",
    "<script>alert(1)</script>",
    "\u202e\u2066abc\u2069",
    "",
    "x" * 20_000,
    "../../etc/passwd",
    "' OR 1=1 --",
]
SKIPPED = {"/console/logout", "/console/login"}
"""Logging out would end the session the other requests need; the login form is
hostile-tested by its own test below (it must not lock the accounts used here)."""


@dataclass(frozen=True)
class Target:
    method: str
    path: str
    params: tuple[tuple[str, str], ...]


def _params(dependant: Dependant) -> Iterator[tuple[str, str]]:
    yield from (("path", p.name) for p in dependant.path_params)
    yield from (("query", p.alias) for p in dependant.query_params)
    yield from (("form", p.alias) for p in dependant.body_params)
    for sub in dependant.dependencies:
        yield from _params(sub)


def targets(services: Services) -> list[Target]:
    app = create_app(services=services)
    found: list[Target] = []
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if not path.startswith("/console") or path in SKIPPED:
            continue
        params = tuple(sorted({p for p in _params(route.dependant) if p != ("form", "csrf")}))
        found.extend(Target(method, path, params) for method in sorted(route.methods or ()))
    return found


def send(desk: Desk, target: Target, hostile: tuple[str, str], value: str) -> int:
    """One request with `value` in the parameter `hostile`; the other path parameters are
    2 (DEMO02, whom CPIP B follows: the request reaches the page's own work)."""
    path = target.path
    for where, name in target.params:
        if where == "path":
            chosen = value if (where, name) == hostile else "2"
            path = path.replace("{" + name + "}", quote(chosen, safe="") or "x")
    query = {n: value for w, n in target.params if w == "query" and (w, n) == hostile}
    form = {"csrf": desk.csrf, **{n: "" for w, n in target.params if w == "form"}}
    if hostile[0] == "form":
        form[hostile[1]] = value
    if target.method == "GET":
        response = desk.client.get(path, params=query, follow_redirects=False)
    else:
        response = desk.client.post(path, params=query, data=form, follow_redirects=False)
    return int(response.status_code)


@pytest.fixture
def services(db_url: str) -> Iterator[Services]:
    services, _clock = demo_services(db_url)
    two_caseloads(services)
    yield services
    services.close()


def test_no_console_route_answers_a_server_error_to_hostile_input(services: Services) -> None:
    errors: list[str] = []
    found = targets(services)
    assert len(found) >= 20, "every console route is tried"
    with TestClient(
        create_app(services=services), base_url="http://console.test", raise_server_exceptions=False
    ) as client:
        for login, password in (("cpip.b", "cpip-b-password"), (ADMIN_LOGIN, ADMIN_PASSWORD)):
            desk = Desk(client)
            assert desk.log_in(login, password).status_code == 303
            for target in found:
                for hostile in target.params:
                    for value in HOSTILE:
                        status = send(desk, target, hostile, value)
                        if status >= 500:
                            errors.append(
                                f"{login} {target.method} {target.path} {hostile} {value[:20]!r}"
                            )
    assert errors == []


def test_the_login_form_takes_hostile_input_calmly(services: Services) -> None:
    with TestClient(
        create_app(services=services), base_url="http://console.test", raise_server_exceptions=False
    ) as client:
        desk = Desk(client)
        for value in HOSTILE:
            for field in ("login", "password"):
                fields = {"login": "nobody.here", "password": "not-it", field: value}
                status = desk.log_in(fields["login"], fields["password"]).status_code
                assert status < 500, (field, value[:20])
