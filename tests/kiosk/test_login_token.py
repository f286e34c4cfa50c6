"""The login form is refused unless it came from the kiosk's own login page
(a double-submit token: the same random value in a cookie and in the form)."""

from __future__ import annotations

import html

import httpx
from fastapi.testclient import TestClient
from sqlmodel import select

from bot.kiosk.login_token import LIFETIME_SECONDS, REFRESH_SECONDS
from bot.services import Services
from storage.database import read_session
from storage.models import AuditEvent, KioskSession
from tests.kiosk.visitor import Kiosk, read_page

EXPIRED = "Cette page a expiré. Pour votre sécurité, recommencez depuis l'accueil."


def _set_cookie(response: httpx.Response, name: str) -> str:
    return next(h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}="))


def _post(client: TestClient, data: dict[str, str]) -> httpx.Response:
    response: httpx.Response = client.post("/kiosk/login", data=data, follow_redirects=False)
    return response


def _nobody_logged_in(services: Services) -> None:
    with read_session(services.engine) as session:
        assert session.exec(select(KioskSession)).first() is None
        assert session.exec(select(AuditEvent)).first() is None  # not even a failed try


def test_login_page_puts_the_same_token_in_a_strict_short_cookie_and_the_form(
    kiosk: Kiosk,
) -> None:
    response = kiosk.client.get("/kiosk")
    cookie = _set_cookie(response, "filrouge_login")
    token = kiosk.client.cookies["filrouge_login"]
    assert len(token) >= 32
    assert read_page(response).form_with_action("/kiosk/login")["csrf"] == token
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/kiosk" in cookie
    assert f"Max-Age={LIFETIME_SECONDS}" in cookie
    # The page reloads itself before its token expires (a kiosk waits on it for hours).
    assert (
        f'<noscript><meta http-equiv="refresh" content="{REFRESH_SECONDS};url=/kiosk"></noscript>'
        in response.text
    )
    assert f'data-renew="{REFRESH_SECONDS}"' in response.text  # kiosk.js renews it
    assert REFRESH_SECONDS < LIFETIME_SECONDS


def test_each_login_page_gets_a_new_token(kiosk: Kiosk) -> None:
    assert kiosk.login_form()["csrf"] != kiosk.login_form()["csrf"]


def test_login_without_the_token_is_refused_with_the_start_again_page(
    kiosk: Kiosk, services: Services
) -> None:
    kiosk.client.get("/kiosk")  # the cookie is there, the field is not
    response = _post(kiosk.client, {"code": "DEMO01", "pin": "1234"})
    assert response.status_code == 403
    assert EXPIRED in html.unescape(response.text)
    assert 'href="/kiosk"' in response.text
    assert "filrouge_kiosk" not in response.headers.get("set-cookie", "")
    assert response.headers["cache-control"] == "no-store"
    _nobody_logged_in(services)


def test_a_form_posted_from_elsewhere_is_refused(
    kiosk: Kiosk, client: TestClient, services: Services
) -> None:
    """Another site can copy a token into its form, but not into the kiosk's cookie."""
    fields = kiosk.login_form()
    client.cookies.clear()
    response = _post(client, {**fields, "code": "DEMO01", "pin": "1234"})
    assert response.status_code == 403
    _nobody_logged_in(services)


def test_a_token_that_does_not_match_the_cookie_is_refused(
    kiosk: Kiosk, services: Services
) -> None:
    fields = kiosk.login_form()
    for forged in ("x" * 43, fields["csrf"][:-1], "é" * 43):
        response = _post(kiosk.client, {**fields, "csrf": forged, "code": "DEMO01", "pin": "1234"})
        assert response.status_code == 403, forged
    _nobody_logged_in(services)


def test_a_refused_pin_gives_a_fresh_form_that_works(kiosk: Kiosk) -> None:
    refused = kiosk.login(pin="0000")
    assert refused.status_code == 200
    fields = read_page(refused).form_with_action("/kiosk/login")
    assert fields["csrf"] == kiosk.client.cookies["filrouge_login"]
    response = _post(kiosk.client, {**fields, "code": "DEMO01", "pin": "1234"})
    assert response.status_code == 303


def test_logging_in_removes_the_login_cookie(kiosk: Kiosk) -> None:
    response = kiosk.login()
    assert response.status_code == 303
    assert _set_cookie(response, "filrouge_login").startswith('filrouge_login="";')
    assert "filrouge_login" not in kiosk.client.cookies
