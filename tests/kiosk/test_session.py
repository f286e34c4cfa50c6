"""Leaving the kiosk: "J'ai fini", or silence; afterwards the old cookie opens nothing."""

from __future__ import annotations

import html
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from bot.clock import MovableClock
from bot.services import Services
from storage.database import read_session
from storage.models import AuditEvent, KioskSession
from tests.kiosk.visitor import Kiosk

IDLE_NOTICE = "Vous avez été déconnecté"


def _stolen_cookie_client(client: TestClient, token: str) -> TestClient:
    client.cookies.clear()
    client.cookies.set("filrouge_kiosk", token, domain="kiosk.test", path="/kiosk")
    return client


def test_finished_button_ends_the_session_and_the_old_cookie_no_longer_works(
    logged_in: Kiosk, services: Services
) -> None:
    token = logged_in.client.cookies["filrouge_kiosk"]
    page = logged_in.chat()
    response = logged_in.client.post(
        "/kiosk/logout", data=page.form_with_action("/kiosk/logout"), follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/kiosk?bye=1&in=fr"
    assert 'filrouge_kiosk=""' in response.headers["set-cookie"]
    goodbye = logged_in.client.get("/kiosk?bye=1")
    assert "Au revoir" in goodbye.text
    assert "Démo" not in goodbye.text
    client = _stolen_cookie_client(logged_in.client, token)
    again = client.get("/kiosk/chat", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == "/kiosk"
    with read_session(services.engine) as session:
        record = session.exec(select(KioskSession)).one()
        assert record.ended_at is not None
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert actions[-1] == "kiosk_logout"


def test_old_cookie_cannot_post_either(logged_in: Kiosk, services: Services) -> None:
    token = logged_in.client.cookies["filrouge_kiosk"]
    fields = logged_in.chat().text_form().fields
    logged_in.client.post("/kiosk/logout")
    client = _stolen_cookie_client(logged_in.client, token)
    response = client.post(
        "/kiosk/say", data={**fields, "text": "encore moi"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/kiosk"


def test_idle_session_ends_and_the_login_page_says_so(
    logged_in: Kiosk, clock: MovableClock, services: Services
) -> None:
    clock.advance(timedelta(seconds=services.settings.kiosk_idle_seconds - 1))
    logged_in.chat()  # still there; a page shown is not something the person did
    clock.advance(timedelta(seconds=1))
    response = logged_in.client.get("/kiosk/chat", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/kiosk?idle=1&in=fr"
    login = logged_in.client.get("/kiosk?idle=1")
    assert IDLE_NOTICE in html.unescape(login.text)
    with read_session(services.engine) as session:
        assert session.exec(select(KioskSession)).one().ended_at is not None
        last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None
    assert last.action == "kiosk_logout"
    assert last.detail == {"reason": "idle"}


def test_each_answer_starts_the_idle_clock_again(
    logged_in: Kiosk, clock: MovableClock, services: Services
) -> None:
    idle = timedelta(seconds=services.settings.kiosk_idle_seconds)
    for _ in range(3):
        clock.advance(idle - timedelta(seconds=1))
        assert logged_in.say("bof").headers["location"] == "/kiosk/chat"
    assert logged_in.client.get("/kiosk/chat", follow_redirects=False).status_code == 200


def test_idle_session_cannot_answer(logged_in: Kiosk, clock: MovableClock) -> None:
    page = logged_in.chat()
    clock.advance(timedelta(minutes=10))
    response = logged_in.say("encore là ?", page)
    assert response.headers["location"] == "/kiosk?idle=1&in=fr"


def test_chat_page_carries_the_idle_delay_for_script_and_refresh(logged_in: Kiosk) -> None:
    text = logged_in.chat().text
    assert 'data-idle="180" data-warn="30"' in text
    assert '<meta http-equiv="refresh" content="150;url=/kiosk/still-there">' in text
    assert '<script src="/kiosk/static/kiosk.js" defer></script>' in text


def test_idle_refresh_without_javascript_ends_the_session(
    logged_in: Kiosk, services: Services
) -> None:
    response = logged_in.client.get("/kiosk/logout?idle=1", follow_redirects=False)
    assert response.headers["location"] == "/kiosk?idle=1&in=fr"
    assert logged_in.client.get("/kiosk/chat", follow_redirects=False).status_code == 303


def test_login_page_with_a_live_session_goes_back_to_the_chat(logged_in: Kiosk) -> None:
    response = logged_in.client.get("/kiosk", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/kiosk/chat"


def test_chat_without_a_session_goes_to_the_login_page(kiosk: Kiosk) -> None:
    response = kiosk.client.get("/kiosk/chat", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/kiosk"


def test_a_session_ends_after_its_longest_life_however_busy(
    logged_in: Kiosk, clock: MovableClock, services: Services
) -> None:
    idle = timedelta(seconds=services.settings.kiosk_idle_seconds)
    lifetime = timedelta(hours=services.settings.kiosk_session_hours)
    busy = timedelta()
    while busy + idle < lifetime:
        clock.advance(idle - timedelta(seconds=1))
        busy += idle - timedelta(seconds=1)
        assert logged_in.say("bof").headers["location"] == "/kiosk/chat"
    clock.advance(lifetime - busy)
    response = logged_in.client.get("/kiosk/chat", follow_redirects=False)
    assert response.headers["location"] == "/kiosk?idle=1&in=fr"


def test_a_new_login_ends_the_persons_other_open_session(
    logged_in: Kiosk, client: TestClient, services: Services
) -> None:
    first_cookie = logged_in.client.cookies["filrouge_kiosk"]
    other = TestClient(client.app, base_url="http://kiosk.test")
    assert Kiosk(other).login().status_code == 303  # the same person, at another kiosk
    stolen = _stolen_cookie_client(logged_in.client, first_cookie)
    assert stolen.get("/kiosk/chat", follow_redirects=False).headers["location"] == "/kiosk"
    with read_session(services.engine) as session:
        reasons = [
            e.detail.get("reason")
            for e in session.exec(select(AuditEvent)).all()
            if e.action == "kiosk_logout"
        ]
    assert reasons == ["new_login"]


def test_cookies_are_secure_when_the_page_came_over_https(services: Services) -> None:
    from bot.app import create_app

    with TestClient(create_app(services=services), base_url="https://kiosk.test") as secure:
        page = secure.get("/kiosk")
    assert "Secure" in page.headers["set-cookie"]
    with TestClient(create_app(services=services), base_url="http://kiosk.test") as plain:
        page = plain.get("/kiosk")
    assert "Secure" not in page.headers["set-cookie"]  # a local test kiosk over HTTP
