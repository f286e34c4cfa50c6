"""What the kiosk's routes are given: the services, the pages, the visit.

FastAPI dependencies, declared once as `Annotated` types. The services and the
pages are those `install` put on the app; the visit is the live session of the
cookie (`LoggedOut` when there is none: the errors module makes that a page).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bot.kiosk import session as kiosk_session
from bot.kiosk.errors import LoggedOut
from bot.kiosk.pages import Pages
from bot.kiosk.session import COOKIE, Visit
from bot.services import Services


async def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def pages_of(request: Request) -> Pages:
    pages: Pages = request.app.state.kiosk_pages
    return pages


ServicesDep = Annotated[Services, Depends(services_of)]
PagesDep = Annotated[Pages, Depends(pages_of)]


def visit_of(request: Request, services: ServicesDep) -> Visit:
    """The live session of the cookie; the login page otherwise."""
    resumed = kiosk_session.resume(services, request.cookies.get(COOKIE))
    if resumed.visit is None:
        raise LoggedOut(went_idle=resumed.went_idle, language=resumed.language)
    return resumed.visit


def visit_or_401(request: Request, services: ServicesDep) -> Visit:
    """The live session of the cookie, for what a script or a player asks: 401 otherwise
    (an idle session is left for the page the script reloads, which says why)."""
    resumed = kiosk_session.resume(services, request.cookies.get(COOKIE), end_idle=False)
    if resumed.visit is None:
        raise LoggedOut(went_idle=resumed.went_idle, status=401)
    return resumed.visit


VisitDep = Annotated[Visit, Depends(visit_of)]
ScriptVisitDep = Annotated[Visit, Depends(visit_or_401)]
