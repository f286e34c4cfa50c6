"""The console's pages, mounted on the app by `install`.

Each module is one part of the console: logging in, the caseload, a person's
page, their appointments, release, the rights of the person, the administrators' pages, the flows
catalogue. Every route is a `ConsoleRoute` (headers, errors made pages) and
declares who may use it through its dependencies (`bot.console.deps`).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, Response

from bot.console.context import Console
from bot.console.routes import (
    account,
    admin,
    appointments,
    caseload,
    catalogue,
    person,
    release,
    rights,
)
from bot.console.security import ConsoleRoute
from bot.services import Services

STATIC = Path(__file__).resolve().parent.parent / "static"
STATIC_FILES = {"console.css": "text/css", "console.js": "text/javascript"}

static_router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@static_router.get("/static/{name}")
def static(name: str) -> Response:
    media_type = STATIC_FILES.get(name)
    if media_type is None:
        return Response(status_code=404)
    return FileResponse(STATIC / name, media_type=media_type)


def install(app: FastAPI, services: Services) -> None:
    """Mount the console on the app."""
    app.state.console = Console.build(services)
    for module in (account, caseload, person, appointments, release, rights, admin, catalogue):
        app.include_router(module.router)
    app.include_router(static_router)
