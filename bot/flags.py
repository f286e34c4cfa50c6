"""Flags: what a counsellor must look at, and who dealt with it.

A flag is raised in the unit of work that found the reason (a turn where the
person asked for a counsellor or said words of distress, an answer "Je ne peux
pas venir", a follow-up that found an appointment not marked done, a reminder
for a person who cannot be reached), so it commits with what caused it.
Counsellors list them (`filrouge flags`, the console) and mark them dealt with.
"""

from __future__ import annotations

from typing import Any

from bot.services import Services
from bot.tx import Tx
from dialogs.outputs import Handoff
from storage import flags as stored
from storage.enums import Channel, FlagReason
from storage.flags import FlagView
from storage.rows import id_of

__all__ = ["FlagView", "deal_with", "from_handoff", "list_flags", "raise_in"]


def raise_in(
    tx: Tx,
    person_id: int,
    reason: FlagReason,
    *,
    appointment_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Raise a flag in the caller's unit of work (or add to the same open one); its id."""
    flag = stored.raise_flag(
        tx.session,
        person_id=person_id,
        reason=reason,
        now=tx.now,
        appointment_id=appointment_id,
        detail=detail,
    )
    return id_of(flag)


def from_handoff(tx: Tx, person_id: int, handoff: Handoff, channel: Channel) -> int:
    """The flag of a hand-off: the person asked for a counsellor, or the safety net opened."""
    reason = FlagReason.DISTRESS if handoff.about == "distress" else FlagReason.COUNSELLOR
    return raise_in(tx, person_id, reason, detail={"where": handoff.reason, "channel": channel})


def list_flags(
    services: Services,
    *,
    open_only: bool = False,
    person_id: int | None = None,
    limit: int = 500,
) -> list[FlagView]:
    """Flags, the most recent first: the open ones only, or one person's, if asked."""
    with services.read() as tx:
        return stored.list_flags(tx.session, open_only=open_only, person_id=person_id, limit=limit)


def deal_with(services: Services, flag_id: int, *, by: str) -> FlagView:
    """Mark a flag dealt with by `by` (a counsellor's login); again: the first one stays.
    Raises `storage.errors.NotFound` for an unknown flag."""
    with services.write() as tx:
        stored.deal_with(tx.session, flag_id, by=by, now=tx.now)
        view = stored.get_flag(tx.session, flag_id)
    if view is None:  # pragma: no cover - it was just found
        raise RuntimeError(f"flag {flag_id} vanished")
    return view
