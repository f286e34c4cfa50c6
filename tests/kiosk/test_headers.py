"""Every kiosk response forbids caching, framing, referrers and inline script."""

from __future__ import annotations

import httpx
import pytest

from tests.kiosk.visitor import Kiosk

EXPECTED = {
    "cache-control": "no-store",
    "pragma": "no-cache",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _assert_locked_down(response: httpx.Response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, name
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "media-src 'self'" in policy  # the 🔊 players


@pytest.mark.parametrize(
    "path", ["/kiosk", "/kiosk?lang=ar", "/kiosk/static/kiosk.css", "/kiosk/static/kiosk.js"]
)
def test_public_kiosk_responses_are_locked_down(kiosk: Kiosk, path: str) -> None:
    response = kiosk.client.get(path)
    assert response.status_code == 200
    _assert_locked_down(response)


def test_personal_pages_and_redirects_are_locked_down(kiosk: Kiosk) -> None:
    login = kiosk.login()
    _assert_locked_down(login)
    chat = kiosk.chat()
    _assert_locked_down(chat.response)
    _assert_locked_down(kiosk.say("bonjour", chat))
    logout = kiosk.client.post("/kiosk/logout", follow_redirects=False)
    _assert_locked_down(logout)
    assert logout.headers["clear-site-data"] == '"cache"'


def test_pages_have_no_inline_script(kiosk: Kiosk) -> None:
    kiosk.login()
    for text in (kiosk.client.get("/kiosk?bye=1").text, kiosk.chat().text):
        assert "<script>" not in text
        assert " on" + "click=" not in text


def test_unknown_static_file_is_not_found(kiosk: Kiosk) -> None:
    assert kiosk.client.get("/kiosk/static/../routes.py").status_code == 404
    assert kiosk.client.get("/kiosk/static/secret.txt").status_code == 404
