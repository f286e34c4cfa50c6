"""The login form's CSRF guard: a double-submit token.

Before anyone is logged in there is no session to hold a token, so the login
page puts the same random value in a short-lived cookie (HttpOnly,
SameSite=Strict, only sent to `/kiosk`) and in a hidden field. Another site can
make a browser post the form but can neither read nor set that cookie, so its
post carries no matching pair and is refused: nobody can be logged in to the
kiosk, under a code of someone else's choosing, from outside.
"""

from __future__ import annotations

import secrets

from fastapi import Request, Response

from bot.kiosk.cookies import clear_kiosk_cookie, set_kiosk_cookie
from bot.services import Services

COOKIE = "filrouge_login"
LIFETIME_SECONDS = 30 * 60
"""How long a login page can be used. The page reloads itself a minute before
(`REFRESH_SECONDS`), so a kiosk left on it always holds a fresh token."""
REFRESH_SECONDS = LIFETIME_SECONDS - 60


def new_token() -> str:
    return secrets.token_urlsafe(32)


def set_cookie(response: Response, services: Services, token: str) -> None:
    set_kiosk_cookie(response, services, COOKIE, token, max_age=LIFETIME_SECONDS)


def clear_cookie(response: Response, services: Services) -> None:
    clear_kiosk_cookie(response, services, COOKIE)


def matches(request: Request, submitted: str) -> bool:
    """Whether the posted field equals the cookie (both present)."""
    cookie = request.cookies.get(COOKIE, "")
    return (
        bool(cookie)
        and bool(submitted)
        and secrets.compare_digest(cookie.encode(), submitted.encode())
    )
