"""Logging in to the console: the right password opens a new session, wrong ones lock
the account (said on the page), sessions end by logout, idleness, age, or when the
account is disabled; cookies and headers keep the pages to the counsellor's browser."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot import counsellors
from bot.app import create_app
from bot.clock import MovableClock
from bot.services import Services
from tests.conftest import ServicesFactory
from tests.console.desk import (
    A_LOGIN,
    A_PASSWORD,
    B_LOGIN,
    B_PASSWORD,
    Desk,
    audit,
    plant,
    session_token,
    token_in,
)

WRONG = "Identifiant ou mot de passe incorrect."


def test_the_console_sends_a_stranger_to_the_login_page(desk: Desk) -> None:
    response = desk.get("/console")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"
    page = desk.get("/console/login")
    assert page.status_code == 200
    assert "Console des conseillers" in page.text


def test_the_demo_counsellor_logs_in_and_sees_their_caseload(desk: Desk) -> None:
    response = desk.log_in()
    assert response.status_code == 303
    assert response.headers["location"] == "/console"
    page = desk.get("/console")
    assert page.status_code == 200
    assert "Mes personnes" in page.text
    assert "DEMO01" in page.text
    [logged] = audit(desk_services(desk), "console_login")
    assert logged.actor_id == "1"


def desk_services(desk: Desk) -> Services:
    services: Services = desk.client.app.state.services  # type: ignore[attr-defined]
    return services


def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(desk: Desk) -> None:
    wrong = desk.log_in(A_LOGIN, "not-the-password")
    unknown = desk.log_in("nobody.here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert WRONG in unescape(wrong.text)
    assert WRONG in unescape(unknown.text)
    reasons = [e.detail["reason"] for e in audit(desk_services(desk), "console_login_failed")]
    assert reasons == ["wrong_password", "unknown_login"]
    assert "not-the-password" not in str([e.detail for e in audit(desk_services(desk))])


def test_five_wrong_passwords_lock_the_account_and_the_page_says_for_how_long(
    desk: Desk, clock: MovableClock
) -> None:
    for _ in range(4):
        assert WRONG in unescape(desk.log_in(A_LOGIN, "wrong-password").text)
    locked = desk.log_in(A_LOGIN, "wrong-password")
    assert "ce compte est bloqué pendant 15 minutes" in unescape(locked.text)
    # Even the right password is refused while it is locked.
    still = desk.log_in(A_LOGIN, A_PASSWORD)
    assert still.status_code == 200
    assert "bloqué pendant 15 minutes" in unescape(still.text)
    clock.advance(timedelta(minutes=14))
    assert "bloqué pendant 1 minute." in unescape(desk.log_in(A_LOGIN, A_PASSWORD).text)
    clock.advance(timedelta(minutes=1))
    assert desk.log_in(A_LOGIN, A_PASSWORD).status_code == 303


def test_logging_in_gives_a_new_session_whatever_the_browser_held(
    desk: Desk, client: TestClient, app: FastAPI
) -> None:
    # Session fixation: a token planted in the browser beforehand, made up or a live
    # session of someone else's, is never the one the counsellor works in.
    plant(client, "chosen-by-an-attacker")
    desk.log_in()
    assert session_token(client) != "chosen-by-an-attacker"
    with TestClient(app, base_url="http://console.test") as other:
        assert Desk(other).log_in(B_LOGIN, B_PASSWORD).status_code == 303
        planted = session_token(other)
    plant(client, planted)
    desk.log_in()
    assert session_token(client) != planted
    assert "CPIP démo" in desk.get("/console").text
    plant(client, planted)
    assert desk.get("/console").status_code == 303  # the planted session was ended


def test_the_login_form_needs_its_own_token(desk: Desk, client: TestClient) -> None:
    desk.get("/console/login")
    forged = client.post(
        "/console/login",
        data={"login": A_LOGIN, "password": A_PASSWORD, "csrf": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert "Cette page a expiré" in unescape(forged.text)
    assert "filrouge_console" not in client.cookies


def test_cookies_are_http_only_strict_and_only_for_the_console(desk: Desk) -> None:
    page = desk.client.get("/console/login")
    login_cookie = page.headers["set-cookie"]
    data = {"login": A_LOGIN, "password": A_PASSWORD, "csrf": token_in(page.text)}
    response = desk.client.post("/console/login", data=data, follow_redirects=False)
    session_cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("filrouge_console=")
    )
    for cookie in (login_cookie, session_cookie):
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        assert "Path=/console" in cookie
        assert "Secure" not in cookie


def test_cookies_are_secure_behind_https(make_services: ServicesFactory) -> None:
    services = make_services(secure_cookies=True)
    with TestClient(create_app(services=services), base_url="https://console.test") as client:
        desk = Desk(client)
        page = client.get("/console/login")
        assert "Secure" in page.headers["set-cookie"]
        response = desk.log_in()
    assert all("Secure" in c for c in response.headers.get_list("set-cookie"))


def test_every_page_is_kept_by_nobody(cpip: Desk) -> None:
    for path in ("/console", "/console/persons/1", "/console/search?q=x", "/console/login"):
        response = cpip.get(path)
        assert response.headers["cache-control"] == "no-store", path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_logging_out_ends_the_session_and_clears_the_cache(cpip: Desk, client: TestClient) -> None:
    token = session_token(client)
    response = cpip.post("/console/logout")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?bye=1"
    assert response.headers["clear-site-data"] == '"cache"'
    assert "Vous êtes déconnecté." in unescape(cpip.get("/console/login?bye=1").text)
    plant(client, token)
    assert cpip.get("/console").status_code == 303


def test_a_post_without_the_sessions_token_is_refused_and_audited(cpip: Desk) -> None:
    cpip.csrf = "forged"
    response = cpip.post("/console/persons/1/notes", text="une note")
    assert response.status_code == 403
    assert "Cette page a expiré" in unescape(response.text)
    [refusal] = audit(desk_services(cpip), "console_refused")
    assert refusal.detail["reason"] == "csrf"
    assert refusal.actor_id == "1"


def test_an_idle_session_ends_and_the_page_says_why(cpip: Desk, clock: MovableClock) -> None:
    clock.advance(timedelta(minutes=29))
    assert cpip.get("/console").status_code == 200  # and the idle clock starts again
    clock.advance(timedelta(minutes=29))
    assert cpip.get("/console").status_code == 200
    clock.advance(timedelta(minutes=30))
    response = cpip.get("/console")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?ended=idle"
    page = cpip.get("/console/login?ended=idle")
    assert "après un moment sans activité" in unescape(page.text)


def test_a_session_ends_after_twelve_hours_however_busy(cpip: Desk, clock: MovableClock) -> None:
    for _ in range(24):
        clock.advance(timedelta(minutes=29))
        assert cpip.get("/console").status_code == 200
    clock.advance(timedelta(minutes=25))  # 12 h 01 after logging in
    response = cpip.get("/console")
    assert response.headers["location"] == "/console/login?ended=expired"


def test_a_counsellor_disabled_while_logged_in_is_refused_at_the_next_request(
    cpip: Desk, services: Services
) -> None:
    assert cpip.get("/console/persons/1").status_code == 200
    counsellors.disable_account(services, A_LOGIN)
    response = cpip.get("/console/persons/1")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login")
    assert "Mes personnes" not in cpip.client.get("/console").text
    assert cpip.log_in().status_code == 200  # and cannot log in again
