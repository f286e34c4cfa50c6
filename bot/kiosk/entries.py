"""One message of the conversation, asked for by the person at the kiosk.

Pages that show or read a single transcript entry (🔊, the printable CV) give
it only to its own person: another person's entry and no entry at all are
the same "not found", so nothing tells them apart.
"""

from __future__ import annotations

from bot.kiosk.session import Visit
from bot.services import Services
from storage.models import TranscriptEntry

MAX_ID = 2**63  # a larger number is no row, and too big for the database


def own_entry(services: Services, visit: Visit, entry_id: int) -> TranscriptEntry | None:
    """The entry if it is the visitor's own; None otherwise (not found)."""
    if not 0 < entry_id < MAX_ID:
        return None
    with services.read() as tx:
        entry = tx.session.get(TranscriptEntry, entry_id)
    if entry is None or entry.person_id != visit.person_id:
        return None
    return entry
