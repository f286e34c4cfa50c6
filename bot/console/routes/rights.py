"""The rights of the person: a copy of everything kept (to print, or JSON), erasure on
request (administrators). Each is written in the audit log by `bot.rights`."""

from __future__ import annotations

import json
from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from bot import rights
from bot.actors import Actor
from bot.console import words
from bot.console.deps import AdministeredDep, ConsoleDep, FollowedDep, FormText, ServicesDep
from bot.console.errors import Refused
from bot.console.security import ConsoleRoute
from storage.persons import get_person

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("/persons/{person_id}/export")
def export_page(services: ServicesDep, console: ConsoleDep, followed: FollowedDep) -> Response:
    """Everything kept about the person, as a page to print and hand over."""
    by = Actor.counsellor(followed.staff.counsellor_id)
    data = rights.export(services, followed.person_id, by=by, form="print")
    return console.pages.render(
        "export.html",
        staff=followed.staff,
        data=data,
        exported_at=datetime.fromisoformat(data["exported_at"]),
    )


@router.get("/persons/{person_id}/export.json")
def export_json(services: ServicesDep, followed: FollowedDep) -> Response:
    """The same, as a JSON file."""
    by = Actor.counsellor(followed.staff.counsellor_id)
    data = rights.export(services, followed.person_id, by=by, form="json")
    name = f"filrouge-{data['person']['code']}.json"
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/admin/persons/{person_id}/erase")
def erase(services: ServicesDep, person: AdministeredDep, confirm: FormText = "") -> Response:
    """Erase a person's data on their request; the code typed again confirms it."""
    with services.read() as tx:
        found = get_person(tx.session, person.person_id)
        code = found.code if found is not None else ""
    if confirm.strip().upper() != code:
        raise Refused(words.WRONG_CONFIRMATION, 400, "/console/admin/persons")
    rights.erase(services, person.person_id, by=Actor.counsellor(person.staff.counsellor_id))
    return RedirectResponse("/console/admin/persons?notice=erased", 303)
