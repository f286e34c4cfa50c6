"""Logging in at the kiosk: code + PIN, the same refusal for every mistake, the lock."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from bot.app import create_app
from bot.clock import MovableClock
from bot.kiosk.login import code_waits_until, unlock
from bot.services import Services
from storage.database import read_session
from storage.models import AuditEvent
from tests.kiosk.visitor import Kiosk

WAIT_ONE_MINUTE = "Trop d'essais. Réessayez dans 1 minute ou demandez à un surveillant."
REFUSED = "Code ou code PIN incorrect. Vérifiez et réessayez."


def _cookie(response: httpx.Response, name: str) -> str | None:
    """The Set-Cookie header of the response for this cookie, if any."""
    return next(
        (h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")), None
    )


def _without_token(page: str) -> str:
    return re.sub(r'name="csrf" value="[^"]*"', 'name="csrf" value=""', page)


def _audit(services: Services) -> list[AuditEvent]:
    with read_session(services.engine) as session:
        return list(session.exec(select(AuditEvent).order_by(AuditEvent.id)).all())  # type: ignore[arg-type]


def test_login_page_has_numeric_pin_and_languages(kiosk: Kiosk) -> None:
    page = kiosk.client.get("/kiosk")
    assert page.status_code == 200
    assert re.search(r'<input id="pin" name="pin" type="password" inputmode="numeric"', page.text)
    for name in ("Français", "العربية", "English", "Română"):
        assert name in page.text


def test_arabic_login_page_reads_right_to_left(kiosk: Kiosk) -> None:
    page = kiosk.client.get("/kiosk?lang=ar")
    assert '<html lang="ar" dir="rtl">' in page.text
    # The choice is remembered for the next page (a refused login, say).
    again = kiosk.client.get("/kiosk")
    assert 'dir="rtl"' in again.text


def test_correct_pin_opens_a_session_and_the_conversation(kiosk: Kiosk) -> None:
    response = kiosk.login(code=" demo01 ", pin="1234")
    assert response.status_code == 303
    assert response.headers["location"] == "/kiosk/chat"
    cookie = _cookie(response, "filrouge_kiosk")
    assert cookie is not None
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/kiosk" in cookie
    assert "Secure" not in cookie  # settings.secure_cookies is off in tests
    page = kiosk.chat()
    assert "Bonjour Démo." in page.text
    assert page.buttons()  # the home menu is open


def test_secure_cookie_when_served_over_https(make_services: Callable[..., Services]) -> None:
    services = make_services(secure_cookies=True)
    with TestClient(create_app(services=services), base_url="https://kiosk.test") as client:
        response = Kiosk(client).login()
    assert "Secure" in (_cookie(response, "filrouge_kiosk") or "")


def test_wrong_pin_and_unknown_code_get_the_same_answer(kiosk: Kiosk) -> None:
    wrong_pin = kiosk.login(code="DEMO01", pin="0000")
    unknown = kiosk.login(code="NOBODY", pin="0000")
    assert wrong_pin.status_code == unknown.status_code == 200
    assert REFUSED in wrong_pin.text
    assert _without_token(wrong_pin.text) == _without_token(unknown.text)
    assert _cookie(wrong_pin, "filrouge_kiosk") is None
    assert _cookie(unknown, "filrouge_kiosk") is None


def test_five_wrong_pins_make_the_next_try_wait_and_the_wait_grows(
    kiosk: Kiosk, clock: MovableClock
) -> None:
    for _ in range(4):
        assert REFUSED in kiosk.login(pin="9999").text
    fifth = kiosk.login(pin="9999")
    assert WAIT_ONE_MINUTE in fifth.text  # 30 seconds, said in whole minutes
    # The right PIN during the wait is refused too, with the same explanation.
    during = kiosk.login(pin="1234")
    assert during.status_code == 200
    assert WAIT_ONE_MINUTE in during.text
    assert _cookie(during, "filrouge_kiosk") is None
    clock.advance(timedelta(seconds=31))
    assert "Réessayez dans 1 minute" in kiosk.login(pin="9999").text  # now 60 s
    clock.advance(timedelta(seconds=61))
    assert "Réessayez dans 2 minutes" in kiosk.login(pin="9999").text  # doubling
    for _ in range(6):  # however many: at most the longest wait
        clock.advance(timedelta(minutes=16))
        waited = kiosk.login(pin="9999").text
    assert "Réessayez dans 15 minutes" in waited
    clock.advance(timedelta(minutes=15, seconds=1))
    assert kiosk.login(pin="1234").status_code == 303


def test_a_code_that_does_not_exist_is_slowed_exactly_the_same(kiosk: Kiosk) -> None:
    real = [_without_token(kiosk.login(code="DEMO01", pin="0000").text) for _ in range(6)]
    fake = [_without_token(kiosk.login(code="NOBODY", pin="0000").text) for _ in range(6)]
    assert real == fake
    assert WAIT_ONE_MINUTE in fake[-1]


def test_wrong_tries_on_one_screen_do_not_keep_the_person_out_at_another(app: FastAPI) -> None:
    here = Kiosk(TestClient(app, base_url="http://kiosk.test", client=("10.0.0.1", 5000)))
    there = Kiosk(TestClient(app, base_url="http://kiosk.test", client=("10.0.0.2", 5000)))
    for _ in range(5):
        here.login(pin="0000")
    assert WAIT_ONE_MINUTE in here.login(pin="1234").text
    assert there.login(pin="1234").status_code == 303


def test_staff_see_and_lift_a_codes_wait(kiosk: Kiosk, services: Services) -> None:
    for _ in range(5):
        kiosk.login(pin="0000")
    assert code_waits_until(services, "demo01") is not None
    assert unlock(services, "DEMO01", 1, actor_kind="counsellor", actor_id="cpip.demo") == 1
    assert code_waits_until(services, "DEMO01") is None
    assert kiosk.login(pin="1234").status_code == 303
    assert ("kiosk_login_unlocked", "cpip.demo") in [
        (e.action, e.actor_id) for e in _audit(services)
    ]


def test_logins_are_audited_without_the_pin(kiosk: Kiosk, services: Services) -> None:
    kiosk.login(pin="4321")
    kiosk.login(code="NOBODY", pin="4321")
    kiosk.login(pin="1234")
    actions = [(e.action, e.detail.get("reason")) for e in _audit(services)]
    assert ("kiosk_login_failed", "wrong_pin") in actions
    assert ("kiosk_login_failed", "unknown_code") in actions
    assert ("kiosk_login", None) in actions
    for event in _audit(services):
        assert "4321" not in str(event.detail)
        assert "1234" not in str(event.detail)


def test_lock_is_audited(kiosk: Kiosk, services: Services) -> None:
    for _ in range(5):
        kiosk.login(pin="9999")
    assert [e.action for e in _audit(services)][-1] == "kiosk_login_locked"


def test_empty_form_asks_for_both_codes(kiosk: Kiosk) -> None:
    response = kiosk.login(code="", pin="")
    assert "Écrivez votre code personnel et votre code PIN." in response.text


def test_a_wrong_pin_is_answered_late_without_holding_up_anyone_else(
    make_services: Callable[..., Services],
) -> None:
    services = make_services(login_delay_seconds=2.0, web_threads=1)
    with TestClient(create_app(services=services), base_url="http://kiosk.test") as client:
        answers: list[httpx.Response] = []
        wrong = threading.Thread(target=lambda: answers.append(Kiosk(client).login(pin="0000")))
        began = time.monotonic()
        wrong.start()
        while not any(e.action == "kiosk_login_failed" for e in _audit(services)):
            assert wrong.is_alive(), "the wrong PIN was answered at once"
            time.sleep(0.01)  # polling the audit for the fact: the try is checked
        # The refusal now waits; with one web thread, another screen is still served.
        other = TestClient(client.app, base_url="http://kiosk.test")
        assert Kiosk(other).login(code="DEMO02", pin="5678").status_code == 303
        assert wrong.is_alive(), "the other screen waited for the refusal's delay"
        wrong.join(timeout=30)
        assert REFUSED in answers[0].text
        assert time.monotonic() - began >= 2.0
