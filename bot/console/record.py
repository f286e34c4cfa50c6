"""Writing what a counsellor read or did in the audit log.

A page is read first, then its reading is recorded, then it is shown: if the
record cannot be written (a busy database), the page is not shown either.
"""

from __future__ import annotations

from typing import Any

from bot.console.session import Staff
from bot.services import Services
from bot.tx import Tx
from storage.audit import record_audit


def record(
    services: Services, staff: Staff, action: str, person_id: int | None = None, **detail: Any
) -> None:
    """Record one action of the counsellor, in a transaction of its own."""
    with services.write() as tx:
        record_in(tx, staff, action, person_id, **detail)


def record_in(
    tx: Tx, staff: Staff, action: str, person_id: int | None = None, **detail: Any
) -> None:
    """Record one action of the counsellor, in the transaction of what it did."""
    record_audit(
        tx.session,
        actor_kind="counsellor",
        actor_id=staff.counsellor_id,
        action=action,
        person_id=person_id,
        detail=detail,
        now=tx.now,
    )
