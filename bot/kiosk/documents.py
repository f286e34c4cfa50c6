"""Documents built in the conversation (the CV), as a page to read and print.

`GET /kiosk/document/{entry_id}` shows a document the conversation gave the
person at the kiosk (only theirs: any other id is "not found"). The page is
made for paper: large type, nothing but the document, a Print button.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from bot.kiosk.deps import PagesDep, ScriptVisitDep, ServicesDep
from bot.kiosk.entries import own_entry
from bot.kiosk.security import KioskRoute
from dialogs.outputs import Message
from storage.models import Person, TranscriptEntry


def is_document(entry: TranscriptEntry) -> bool:
    return entry.payload.get("output") == "document"


router = APIRouter(prefix="/kiosk", route_class=KioskRoute)


@router.get("/document/{entry_id}")
def document(
    services: ServicesDep, pages: PagesDep, visit: ScriptVisitDep, entry_id: int
) -> Response:
    entry = own_entry(services, visit, entry_id)
    if entry is None or not is_document(entry):
        return Response(status_code=404)
    with services.read() as tx:
        person = tx.session.get(Person, entry.person_id)
    if person is None:
        return Response(status_code=404)
    translator = pages.translator(str(person.language))
    payload = entry.payload
    lines = [
        (translator.render(_message(label)), str(value))
        for label, value in payload.get("lines", [])
    ]
    return pages.render(
        "document.html",
        str(person.language),
        title=translator.render(_message(payload.get("title", {}))),
        name=str(payload.get("name", "")),
        lines=lines,
        csrf=visit.csrf_token,
        idle_seconds=services.settings.kiosk_idle_seconds,
    )


def _message(raw: Any) -> Message:
    if isinstance(raw, dict):
        return Message(str(raw.get("msgid", "")), dict(raw.get("params", {})))
    return Message(str(raw))
