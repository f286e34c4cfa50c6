"""Logging in and out of the console."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bot.console import login_token, words
from bot.console.auth import Outcome, log_in
from bot.console.deps import FormText, PagesDep, PostingDep, QueryText, ServicesDep, refused
from bot.console.errors import Refused
from bot.console.pages import Pages
from bot.console.security import ConsoleRoute
from bot.console.session import COOKIE, Ended, clear_cookie, log_out, set_cookie
from bot.services import Services

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
ENDED = {Ended.IDLE: words.IDLE, Ended.EXPIRED: words.EXPIRED, Ended.DISABLED: words.ENDED}


@router.get("/login")
def login_page(
    services: ServicesDep, pages: PagesDep, ended: QueryText = "", bye: QueryText = ""
) -> Response:
    # Always the form, even with a live session in the browser: logging in again gives
    # a new session, so a session planted in the browser is never the one used.
    notice = words.BYE if bye else ""
    error = next((message for why, message in ENDED.items() if ended == why), "")
    return _form(services, pages, notice=notice, error=error)


@router.post("/login")
def login(
    request: Request,
    services: ServicesDep,
    pages: PagesDep,
    login: FormText = "",
    password: FormText = "",
    csrf: FormText = "",
) -> Response:
    if not login_token.matches(request, csrf):
        refused(services, request, None, "csrf_login")
        raise Refused(words.FORBIDDEN, 403, "/console/login")
    if not login.strip() or not password:
        return _form(services, pages, error=words.MISSING, login=login)
    result = log_in(services, login, password, request.cookies.get(COOKIE))
    if result.outcome is Outcome.LOCKED:
        return _form(services, pages, locked_minutes=result.minutes_left, login=login)
    if result.outcome is Outcome.REFUSED:
        return _form(services, pages, error=words.REFUSED, login=login)
    response = RedirectResponse("/console", 303)
    set_cookie(response, services, COOKIE, result.raw_token)
    login_token.take_back(response, services)
    return response


def _form(services: Services, pages: Pages, login: str = "", **context: Any) -> Response:
    """The login page, with a fresh token in its form and in a cookie."""
    token = login_token.new_token()
    response = pages.render(
        "login.html", staff=None, login=login[:100], login_token=token, **context
    )
    login_token.give(response, services, token)
    return response


@router.post("/logout")
def logout(request: Request, services: ServicesDep, staff: PostingDep) -> Response:
    log_out(services, request.cookies.get(COOKIE))
    response = RedirectResponse("/console/login?bye=1", 303)
    clear_cookie(response, services)
    response.headers["Clear-Site-Data"] = '"cache"'
    return response
