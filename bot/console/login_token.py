"""The login form's CSRF guard: a double-submit token (before login there is no
session to hold one). The same random value is in a short-lived cookie (HttpOnly,
SameSite=Strict, only sent to `/console`) and in a hidden field; another site can
make a browser post the form but cannot set that cookie, so nobody can be logged in
to the console under an account of someone else's choosing."""

from __future__ import annotations

import secrets

from fastapi import Request, Response

from bot.console.session import clear_cookie, set_cookie
from bot.services import Services

COOKIE = "filrouge_console_login"
LIFETIME_SECONDS = 30 * 60


def new_token() -> str:
    return secrets.token_urlsafe(32)


def give(response: Response, services: Services, token: str) -> None:
    set_cookie(response, services, COOKIE, token, max_age=LIFETIME_SECONDS)


def take_back(response: Response, services: Services) -> None:
    clear_cookie(response, services, COOKIE)


def matches(request: Request, submitted: str) -> bool:
    """Whether the posted field equals the cookie (both present)."""
    cookie = request.cookies.get(COOKIE, "")
    return (
        bool(cookie)
        and bool(submitted)
        and secrets.compare_digest(cookie.encode(), submitted.encode())
    )
