"""Who may use which console route: every route of the app, for each of {anonymous,
counsellor A, counsellor B, administrator}, on each of {A's person, B's person}. Only the allowed pairs
succeed; every refusal is written in the audit log; a route added without its line
in the matrix fails the first test.

A refused visitor learns nothing: anonymous, the login page (a script: 401); logged
in, the same 404 as a person who does not exist. Each case runs on a fresh copy of
one database, so what a case changes (an erasure, a disabled account) is not seen
by the next.
"""

from __future__ import annotations

import dataclasses
import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from html import unescape
from pathlib import Path

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from bot import appointments, counsellors, flags
from bot.app import compose, create_app
from bot.clock import MovableClock
from bot.demo import seed_demo
from bot.locks import WriterLock
from bot.services import Services, open_engine
from bot.settings import Settings
from bot.turn import Inbound, run_turn
from dialogs.events import Pressed, System
from storage.enums import Channel
from tests.conftest import START
from tests.console.desk import (
    A_LOGIN,
    A_PASSWORD,
    A_PERSON,
    ADMIN_LOGIN,
    ADMIN_PASSWORD,
    B_LOGIN,
    B_PASSWORD,
    B_PERSON,
    Desk,
    audit,
    two_caseloads,
)


class May(StrEnum):
    """Who may use a route."""

    ANYONE = "anyone"
    STAFF = "staff"  # any account logged in
    FOLLOWER = "follower"  # the counsellor who follows the person
    ADMIN = "admin"


class Who(StrEnum):
    ANONYMOUS = "anonymous"
    A = "A"
    B = "B"
    ADMIN = "admin"


CODES = {A_PERSON: "DEMO01", B_PERSON: "DEMO02"}
LOGINS = {
    Who.A: (A_LOGIN, A_PASSWORD),
    Who.B: (B_LOGIN, B_PASSWORD),
    Who.ADMIN: (ADMIN_LOGIN, ADMIN_PASSWORD),
}
SPARE_LOGIN = "cpip.c"  # an account that an administrator may disable in a case
NOT_FOUND = "Cette page n'existe pas, ou elle ne vous est pas ouverte."


@dataclass(frozen=True)
class Case:
    may: May
    ok: int = 200
    """The status of a success (303: a redirect elsewhere than the login page)."""
    query: str = ""
    form: dict[str, str] = field(default_factory=dict)
    script: bool = False
    """Asked by console.js: refused as 401 rather than sent to the login page."""


MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/console/login"): Case(May.ANYONE),
    ("POST", "/console/login"): Case(May.ANYONE, 303),
    ("POST", "/console/logout"): Case(May.STAFF, 303),
    ("GET", "/console"): Case(May.STAFF, query="?find={code}"),
    ("GET", "/console/search"): Case(May.STAFF, query="?q=bonjour"),
    ("GET", "/console/persons/{person_id}"): Case(May.FOLLOWER),
    ("GET", "/console/persons/{person_id}/search"): Case(May.FOLLOWER, query="?q=bonjour"),
    ("GET", "/console/persons/{person_id}/live"): Case(May.FOLLOWER, query="?after=1", script=True),
    ("POST", "/console/persons/{person_id}/notes"): Case(May.FOLLOWER, 303, form={"text": "n"}),
    ("POST", "/console/persons/{person_id}/messages"): Case(
        May.FOLLOWER, 303, form={"text": "Bonjour"}
    ),
    ("POST", "/console/persons/{person_id}/flags/{flag_id}/dealt"): Case(May.FOLLOWER, 303),
    ("POST", "/console/persons/{person_id}/appointments"): Case(
        May.FOLLOWER, 303, form={"kind": "spip", "day": "2026-03-12", "time": "14:30"}
    ),
    ("POST", "/console/persons/{person_id}/appointments/{appointment_id}/move"): Case(
        May.FOLLOWER, 303, form={"day": "2026-03-10", "time": "10:00"}
    ),
    ("POST", "/console/persons/{person_id}/appointments/{appointment_id}/cancel"): Case(
        May.FOLLOWER, 303
    ),
    ("POST", "/console/persons/{person_id}/appointments/{appointment_id}/done"): Case(
        May.FOLLOWER, 303
    ),
    ("POST", "/console/persons/{person_id}/appointments/{appointment_id}/missed"): Case(
        May.FOLLOWER, 303
    ),
    ("POST", "/console/persons/{person_id}/release-date"): Case(
        May.FOLLOWER, 303, form={"day": "2026-05-04"}
    ),
    ("POST", "/console/persons/{person_id}/release"): Case(May.FOLLOWER, 303),
    ("POST", "/console/persons/{person_id}/link-code"): Case(May.FOLLOWER),
    ("POST", "/console/persons/{person_id}/followup"): Case(
        May.FOLLOWER, 303, form={"action": "end"}
    ),
    ("GET", "/console/persons/{person_id}/export"): Case(May.FOLLOWER),
    ("GET", "/console/persons/{person_id}/export.json"): Case(May.FOLLOWER),
    ("POST", "/console/admin/persons/{person_id}/erase"): Case(
        May.ADMIN, 303, form={"confirm": "{code}"}
    ),
    ("GET", "/console/admin/accounts"): Case(May.ADMIN),
    ("POST", "/console/admin/accounts"): Case(
        May.ADMIN, form={"login": "new.{code}", "name": "Nouveau compte", "role": "cpip"}
    ),
    ("POST", "/console/admin/accounts/{counsellor_id}/disable"): Case(May.ADMIN, 303),
    ("GET", "/console/admin/persons"): Case(May.ADMIN, query="?find={code}"),
    ("POST", "/console/admin/assignments"): Case(
        May.ADMIN, 303, form={"login": SPARE_LOGIN, "code": "{code}", "action": "assign"}
    ),
    ("GET", "/console/admin/audit"): Case(May.ADMIN, query="?person={code}"),
    ("GET", "/console/flows/"): Case(May.STAFF, 303),
    ("GET", "/console/flows/{page}"): Case(May.STAFF),
    ("GET", "/console/static/{name}"): Case(May.ANYONE),
}


def allowed(case: Case, who: Who, person_id: int) -> bool:
    follower = {A_PERSON: Who.A, B_PERSON: Who.B}[person_id]
    return {
        May.ANYONE: True,
        May.STAFF: who is not Who.ANONYMOUS,
        May.FOLLOWER: who is follower,
        May.ADMIN: who is Who.ADMIN,
    }[case.may]


def console_routes() -> set[tuple[str, str]]:
    """Every (method, path) the app serves under /console, as FastAPI routes them."""
    app = create_app(settings=Settings(database_url="sqlite:///:memory:"))
    return {
        (method, route.path)
        for route in iter_route_contexts(app.routes)
        if route.path and route.path.startswith("/console")
        for method in route.methods or ()
    }


def test_every_console_route_has_its_line_in_the_matrix() -> None:
    routes = console_routes()
    assert routes - set(MATRIX) == set(), "a console route without its line in MATRIX"
    assert set(MATRIX) - routes == set(), "a line of MATRIX for a route that is gone"


@dataclass
class World:
    services: Services
    folder: Path
    template: Path
    spare_id: int
    flag_ids: dict[int, int]
    """Each person's flag (they asked for a counsellor)."""
    appointment_ids: dict[int, int]
    """Each person's appointment, given by their counsellor."""
    cases: Iterator[int] = field(default_factory=itertools.count)

    def fresh(self) -> Services:
        """The services on a fresh copy of the database."""
        path = self.folder / f"case-{next(self.cases)}.db"
        shutil.copyfile(self.template, path)
        settings = self.services.settings.model_copy(update={"database_url": f"sqlite:///{path}"})
        return dataclasses.replace(
            self.services,
            settings=settings,
            engine=open_engine(settings, self.services.keys),  # its data keys: sealed rows
            writer=WriterLock(single_writer=True),
        )


@pytest.fixture(scope="module")
def world(migrated_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("matrix")
    template = folder / "template.db"
    shutil.copyfile(migrated_sqlite, template)
    settings = Settings(
        database_url=f"sqlite:///{template}", argon2_time_cost=1, argon2_memory_kib=64
    )
    services = compose(settings, clock=MovableClock(START))
    seed_demo(services)
    two_caseloads(services)
    spare = counsellors.add_account(services, SPARE_LOGIN, "CPIP C", "cpip", "cpip-c-password")
    flag_ids, appointment_ids = {}, {}
    for person_id in (A_PERSON, B_PERSON):  # something to read, search, act on
        started = run_turn(services, Inbound(person_id, Channel.KIOSK, System("start"), "k1"))
        help_ = Pressed(started.state.seq, "help")
        run_turn(services, Inbound(person_id, Channel.KIOSK, help_, "k2"))
        [flag] = flags.list_flags(services, person_id=person_id)
        flag_ids[person_id] = flag.id
        made = appointments.add(services, person_id, "health", START + timedelta(days=3))
        appointment_ids[person_id] = made.id
    services.engine.dispose()  # the copies hold everything (WAL checkpointed)
    return World(services, folder, template, spare.id, flag_ids, appointment_ids)


def request(
    desk: Desk, world: World, method: str, path: str, case: Case, person: int
) -> httpx.Response:
    code = CODES[person]
    url = path.format(
        person_id=person,
        flag_id=world.flag_ids[person],
        appointment_id=world.appointment_ids[person],
        counsellor_id=world.spare_id,
        page="index.html",
        name="console.css",
    ) + case.query.format(code=code)
    if (method, path) == ("POST", "/console/login"):
        return desk.log_in(A_LOGIN, A_PASSWORD)
    if method == "GET":
        return desk.get(url)
    return desk.post(url, **{key: value.format(code=code) for key, value in case.form.items()})


CASES = [
    pytest.param(method, path, who, person, id=f"{method} {path} {who} {CODES[person]}")
    for (method, path) in MATRIX
    for who in Who
    for person in (A_PERSON, B_PERSON)
]


@pytest.mark.parametrize(("method", "path", "who", "person"), CASES)
def test_only_the_allowed_pairs_succeed_and_every_refusal_is_audited(
    world: World, method: str, path: str, who: Who, person: int
) -> None:
    case = MATRIX[(method, path)]
    services = world.fresh()
    try:
        with TestClient(create_app(services=services), base_url="http://console.test") as client:
            desk = Desk(client)
            if who is not Who.ANONYMOUS:
                assert desk.log_in(*LOGINS[who]).status_code == 303
            before = len(audit(services, "console_refused"))
            response = request(desk, world, method, path, case, person)
            refusals = len(audit(services, "console_refused")) - before
    finally:
        services.engine.dispose()
    location = response.headers.get("location", "")
    if allowed(case, who, person):
        assert response.status_code == case.ok, response.text[:500]
        assert not location.startswith("/console/login") or path == "/console/logout"
        assert refusals == 0
    else:
        if who is Who.ANONYMOUS:
            expected = 401 if case.script else 303
            assert response.status_code == expected
            assert location == ("" if case.script else "/console/login")
        else:
            assert response.status_code == 404
            assert NOT_FOUND in unescape(response.text)
        assert refusals == 1
