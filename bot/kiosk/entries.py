"""One message of the conversation, asked for by the person at the kiosk.

Pages that show or read a single transcript entry (🔊, the printable CV) give
it only to its own person: another person's entry and no entry at all are
the same "not found", so nothing tells them apart.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from bot.kiosk import session as kiosk_session
from bot.kiosk.session import COOKIE, Visit
from bot.services import Services
from storage.database import read_session
from storage.models import TranscriptEntry

MAX_ID = 2**63  # a larger number is no row, and too big for the database


def own_entry(
    services: Services, request: Request, entry_id: int
) -> tuple[Visit, TranscriptEntry] | Response:
    """The visit and the entry if it is the visitor's own; else 401 (logged out) or 404."""
    visit = kiosk_session.resume(services, request.cookies.get(COOKIE)).visit
    if visit is None:
        return Response(status_code=401)
    if not 0 < entry_id < MAX_ID:
        return Response(status_code=404)
    with read_session(services.engine) as session:
        entry = session.get(TranscriptEntry, entry_id)
    if entry is None or entry.person_id != visit.person_id:
        return Response(status_code=404)
    return visit, entry
