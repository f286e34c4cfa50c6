"""What goes wrong in the console, and the one place each becomes a page.

Routes and dependencies raise; `ConsoleRoute` (`bot.console.security`) gives the
error to `page_for`: the login page when there is no live session, a short page
that says what happened otherwise. A person a counsellor may not open gets the
same 404 as a person who does not exist.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from bot.console import words
from bot.console.pages import Pages
from bot.console.session import Ended, clear_cookie
from bot.services import Services
from storage.errors import DatabaseUnavailable


class NotLoggedIn(Exception):
    """No live session: the login page (told why), or 401 for what a script asked."""

    def __init__(self, ended: Ended = Ended.NONE, *, script: bool = False) -> None:
        super().__init__("no live console session")
        self.ended = ended
        self.script = script


class Refused(Exception):
    """A request the console will not carry out: a page that says so (a msgid)."""

    def __init__(self, message: str, status: int, back: str = "/console") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.back = back


def not_found() -> Refused:
    return Refused(words.NOT_FOUND, 404)


def page_for(request: Request, error: Exception) -> Response | None:
    """The page of a console error; None for an error that is not the console's."""
    services: Services = request.app.state.services
    pages: Pages = request.app.state.console.pages
    if isinstance(error, NotLoggedIn):
        if error.script:
            return Response(status_code=401)
        target = "/console/login"
        if error.ended is not Ended.NONE:
            target += f"?ended={quote(str(error.ended))}"
        response: Response = RedirectResponse(target, 303)
        clear_cookie(response, services)
        return response
    if isinstance(error, Refused):
        return _problem(pages, error.message, error.status, error.back)
    if isinstance(error, RequestValidationError):
        return _problem(pages, words.MALFORMED, 400, "/console")
    if isinstance(error, DatabaseUnavailable):
        response = _problem(pages, words.BUSY, 503, "/console")
        response.headers["Retry-After"] = "2"
        return response
    return None


def _problem(pages: Pages, message: str, status: int, back: str) -> Response:
    return pages.render("problem.html", status_code=status, message=message, back=back)
