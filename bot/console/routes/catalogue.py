"""The flows catalogue (`filrouge flows doc`), served to counsellors: what Fil rouge
says, step by step, with its sources."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.console.deps import ConsoleDep, StaffDep
from bot.console.errors import not_found
from bot.console.security import CATALOGUE_POLICY, ConsoleRoute

router = APIRouter(prefix="/console/flows", route_class=ConsoleRoute, include_in_schema=False)


@router.get("/")
def catalogue_index(staff: StaffDep) -> Response:
    return RedirectResponse("/console/flows/index.html", 303)


@router.get("/{page}")
def catalogue_page(console: ConsoleDep, staff: StaffDep, page: str) -> Response:
    html = console.catalogue.get(page)
    if html is None:
        raise not_found()
    return HTMLResponse(html, headers={"Content-Security-Policy": CATALOGUE_POLICY})
