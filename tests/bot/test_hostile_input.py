"""No page answers a server error, whatever is sent: every route of the app, taken from
its route table (a new route is covered the day it is added), every parameter, a
set of hostile values, anonymous and logged in, on SQLite and PostgreSQL.

And the same through schemathesis, from the app's OpenAPI schema (served to the
tests only): generated requests, 0 server errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from bot.app import create_app
from bot.services import Services
from tests.conftest import ServicesFactory
from tests.kiosk.visitor import Kiosk
from tests.services import demo_services

HOSTILE = [
    "\x00",
    "a\x00b",
    "\x07\x1b[2J",
    "²",
    "①",
    "٣٤",
    "9" * 40,
    "-1",
    "1e9",
    "<script>alert(1)</script>",
    "\u202e\u2066abc\u2069",
    "😀" * 50,
    " ",
    "",
    "x" * 20_000,
    "%00",
    "\r\n\r\n",
    "../../etc/passwd",
    "' OR 1=1 --",
]


@dataclass(frozen=True)
class Target:
    method: str
    path: str
    params: tuple[tuple[str, str], ...]
    """(where, name): where is path, query, form or cookie."""


def targets(app: FastAPI) -> list[Target]:
    found = []
    for route in _api_routes(app.routes):
        params = sorted(set(_params(route.dependant)))
        for method in sorted(route.methods or ()):
            found.append(Target(method, route.path, tuple(params)))
    return found


def _api_routes(routes: Sequence[object]) -> Iterator[APIRoute]:
    """The app's routes, those of the routers it includes too (their own prefixes are
    in their paths: the app adds none)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (router := getattr(route, "original_router", None)) is not None:
            assert not getattr(route.include_context, "prefix", ""), "a prefix at include"  # type: ignore[attr-defined]
            yield from _api_routes(router.routes)


def _params(dependant: Dependant) -> Iterator[tuple[str, str]]:
    """Every parameter of a route, its dependencies' included."""
    yield from (("path", p.name) for p in dependant.path_params)
    yield from (("query", p.alias) for p in dependant.query_params)
    yield from (("form", p.alias) for p in dependant.body_params)
    yield from (("cookie", p.alias) for p in dependant.cookie_params)
    for sub in dependant.dependencies:
        yield from _params(sub)


def _request(
    client: TestClient, target: Target, hostile: tuple[str, str], value: str, fields: dict[str, str]
) -> int:
    path = target.path
    for where, name in target.params:
        if where == "path":
            chosen = value if (where, name) == hostile else "1"
            path = path.replace("{" + name + "}", quote(chosen, safe="") or "x")
    query = {n: value for w, n in target.params if w == "query" and (w, n) == hostile}
    form = {n: fields.get(n, "") for w, n in target.params if w == "form"}
    if hostile[0] == "form":
        form[hostile[1]] = value
    cookies = {n: value for w, n in target.params if w == "cookie" and (w, n) == hostile}
    for name, cookie in cookies.items():
        client.cookies.set(name, cookie.replace("\x00", "").replace("\r\n", "") or "x")
    if target.method == "GET":
        response = client.get(path, params=query, follow_redirects=False)
    else:
        response = client.request(
            target.method, path, params=query, data=form, follow_redirects=False
        )
    return int(response.status_code)


@pytest.fixture
def services(db_url: str) -> Iterator[Services]:
    services, _clock = demo_services(db_url)
    yield services
    services.close()


def _login_token(client: TestClient) -> str:
    """A fresh login form's token (each login page sets a new one)."""
    client.cookies.delete("filrouge_kiosk")
    page = client.get("/kiosk", follow_redirects=False)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, (page.status_code, page.headers, page.text[:300])
    return found.group(1)


def _page_fields(kiosk: Kiosk) -> dict[str, str]:
    page = kiosk.chat()
    fields = dict(page.text_form().fields)
    seq = re.search(r'name="seq" value="(\d+)"', page.text)
    return {**fields, "seq": seq.group(1) if seq else "1", "value": "sante", "text": "bonjour"}


def test_no_route_answers_a_server_error_to_hostile_input(services: Services) -> None:
    app = create_app(services=services)
    errors: list[str] = []
    assert len(targets(app)) >= 14, "every route is tried"
    for logged_in in (False, True):
        # Each pass from its own screen: the first one's wrong logins slow that screen.
        screen = ("10.0.0.2" if logged_in else "10.0.0.1", 5000)
        with TestClient(
            app, base_url="http://kiosk.test", raise_server_exceptions=False, client=screen
        ) as client:
            kiosk = Kiosk(client)
            if logged_in:
                kiosk.login()
                fields = _page_fields(kiosk)
            else:
                fields = {"code": "NOBODY1", "pin": "0000"}  # DEMO01 must not lock
            for target in targets(app):
                if target.path.endswith("/logout"):
                    continue  # it would end the session the other requests need
                for hostile in target.params:
                    for value in HOSTILE:
                        if target.path == "/kiosk/login" and not logged_in:
                            fields["csrf"] = _login_token(client)  # past its CSRF check
                        status = _request(client, target, hostile, value, fields)
                        if status >= 500:
                            errors.append(f"{target.method} {target.path} {hostile} {value!r}")
    assert errors == []


def test_generated_requests_never_get_a_server_error(make_services: ServicesFactory) -> None:
    """Every operation of the OpenAPI schema, with requests hypothesis draws from it."""
    app = create_app(services=make_services(), expose_schema=True)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 10, "the schema lists the app's routes"

    for operation in operations:

        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case[Any]) -> None:
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        check()
    assert failures == []
