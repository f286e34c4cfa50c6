"""What goes wrong at the kiosk, and the one place each becomes a page.

Routes raise; `install_handlers` turns each into what a person at the kiosk
should see, in their language: the login page when the session is over, a
calm "problem" page with a way back, the busy page when the database cannot
answer (nothing was saved; the same tap again works).
"""

from __future__ import annotations

from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.headers import HEADERS
from bot.kiosk import session as kiosk_session
from bot.kiosk.pages import Pages
from bot.kiosk.session import LANG_COOKIE
from bot.services import Services
from dialogs.messages import N_
from storage.errors import DatabaseUnavailable

BUSY_PAGE = """<!doctype html><html lang="{lang}" dir="{dir}"><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Fil rouge</title><body style="font:1.4rem sans-serif;margin:2rem">
<h1>{title}</h1><p>{text}</p>
<p><a href="/kiosk/chat">{retry}</a></p></body></html>"""
BUSY_TITLE = N_("Le service est occupé.")
BUSY_TEXT = N_("Rien n'est perdu. Attendez un instant, puis réessayez.")
BUSY_RETRY = N_("Réessayer")


class LoggedOut(Exception):
    """There is no live session: the person goes to the login page (told why when the
    session ended for idleness); `status` 401 for what a script asked."""

    def __init__(self, went_idle: bool = False, status: int = 303, language: str = "") -> None:
        super().__init__("no live kiosk session")
        self.went_idle = went_idle
        self.status = status
        self.language = language


class Refused(Exception):
    """A request the kiosk will not carry out (an expired form, one it cannot read):
    a page that says so in the person's language, with the way back."""

    def __init__(self, message: str, status: int, back: str, language: str = "fr") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.back = back
        self.language = language


def login_address(idle: bool, language: str | None = None, bye: bool = False) -> str:
    """The login page after a session ended, in the language of the person who left
    (`in`: shown in it, without changing the kiosk's remembered choice)."""
    asked = "idle=1" if idle else "bye=1" if bye else ""
    if language:
        asked = f"{asked}&in={language}" if asked else f"in={language}"
    return f"/kiosk?{asked}" if asked else "/kiosk"


def install_handlers(app: FastAPI, services: Services, pages: Pages) -> None:
    """Turn the kiosk's errors into pages, for every route of the app."""

    @app.exception_handler(LoggedOut)
    def logged_out(_request: Request, error: LoggedOut) -> Response:
        if error.status == 401:
            return Response(status_code=401, headers=HEADERS)
        response = RedirectResponse(login_address(error.went_idle, error.language), 303)
        kiosk_session.clear_cookie(response, services)
        kiosk_session.clear_prefs_cookie(response, services)
        response.headers.update(HEADERS)
        return response

    @app.exception_handler(Refused)
    def refused(_request: Request, error: Refused) -> Response:
        response = pages.render(
            "problem.html",
            error.language,
            status_code=error.status,
            message=error.message,
            back=error.back,
        )
        response.headers.update(HEADERS)
        return response

    @app.exception_handler(DatabaseUnavailable)
    def database_busy(request: Request, _error: DatabaseUnavailable) -> Response:
        # The page must not need the database: the language is the kiosk's cookie.
        words = services.catalogs.get(request.cookies.get(LANG_COOKIE, "fr"))
        page = BUSY_PAGE.format(
            lang=words.language,
            dir=words.direction,
            title=escape(words.gettext(BUSY_TITLE)),
            text=escape(words.gettext(BUSY_TEXT)),
            retry=escape(words.gettext(BUSY_RETRY)),
        )
        return HTMLResponse(page, status_code=503, headers={**HEADERS, "Retry-After": "2"})
