"""`POST /kiosk/alive`: while a person types, the page tells the server, whose idle
clock then agrees with the screen (kiosk.js calls it; the browser test shows it)."""

from __future__ import annotations

from datetime import timedelta

import httpx

from bot.clock import MovableClock
from bot.services import Services
from tests.kiosk.visitor import Kiosk


def _alive(kiosk: Kiosk, csrf: str) -> httpx.Response:
    response: httpx.Response = kiosk.client.post(
        "/kiosk/alive", data={"csrf": csrf}, follow_redirects=False
    )
    return response


def _csrf(kiosk: Kiosk) -> str:
    return kiosk.chat().form_with_action("/kiosk/logout")["csrf"]


def test_alive_resets_the_idle_clock(
    logged_in: Kiosk, clock: MovableClock, services: Services
) -> None:
    csrf = _csrf(logged_in)
    almost = timedelta(seconds=services.settings.kiosk_idle_seconds - 10)
    for _ in range(3):  # typing for three times the idle delay, told now and then
        clock.advance(almost)
        response = _alive(logged_in, csrf)
        assert response.status_code == 204
        assert response.content == b""
        assert response.headers["cache-control"] == "no-store"
    clock.advance(almost)
    assert logged_in.client.get("/kiosk/chat", follow_redirects=False).status_code == 200


def test_alive_without_the_page_token_is_refused_and_does_not_count(
    logged_in: Kiosk, clock: MovableClock, services: Services
) -> None:
    csrf = _csrf(logged_in)
    almost = timedelta(seconds=services.settings.kiosk_idle_seconds - 10)
    clock.advance(almost)
    assert _alive(logged_in, "").status_code == 403
    assert _alive(logged_in, csrf[:-1] + "é").status_code == 403
    clock.advance(almost)
    response = logged_in.client.get("/kiosk/chat", follow_redirects=False)
    assert response.headers["location"] == "/kiosk?idle=1&in=fr"


def test_alive_after_the_idle_delay_says_the_session_is_over(
    logged_in: Kiosk, clock: MovableClock, services: Services
) -> None:
    csrf = _csrf(logged_in)
    clock.advance(timedelta(seconds=services.settings.kiosk_idle_seconds + 1))
    assert _alive(logged_in, csrf).status_code == 401
    # The script then reloads the chat, which ends the session and says why.
    response = logged_in.client.get("/kiosk/chat", follow_redirects=False)
    assert response.headers["location"] == "/kiosk?idle=1&in=fr"


def test_alive_without_a_session_is_refused(kiosk: Kiosk) -> None:
    assert _alive(kiosk, "anything").status_code == 401
