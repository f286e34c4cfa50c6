"""The rights of the person: a copy of everything kept about them, erasure on request,
and the retention purge of ended follow-ups. Each is written in the audit log.

Erasure deletes every row about the person (transcript, state, identities,
sessions, codes, outbox, notes, assignments, appointments with their history and
reminders, flags: `storage.erasure`) and empties their row: the audit log,
append-only, keeps pointing at it, so who read the file and that it was erased
stay known.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.actors import CLI, SYSTEM, Actor
from bot.services import Services
from bot.tx import Tx
from storage.audit import record_audit
from storage.erasure import ended_before, erase_person, export_person
from storage.rows import id_of


def export(services: Services, person_id: int, *, by: Actor, form: str = "json") -> dict[str, Any]:
    """Everything kept about the person, as JSON data; `form` (json, print) goes to the
    audit log. Raises :class:`storage.errors.NotFound`."""
    with services.write() as tx:
        data = export_person(tx.session, person_id)
        _audit(tx, by, "person_exported", person_id, {"form": form})
    data["exported_at"] = tx.now.isoformat()
    return data


def erase(services: Services, person_id: int, *, by: Actor, reason: str = "request") -> bool:
    """Erase the person's data; False if it already was. Raises
    :class:`storage.errors.NotFound`."""
    with services.write() as tx:
        return _erase(tx, person_id, by, reason)


def _erase(tx: Tx, person_id: int, by: Actor, reason: str) -> bool:
    erased = erase_person(tx.session, person_id, tx.now)
    if erased:
        _audit(tx, by, "person_erased", person_id, {"reason": reason})
    return erased


@dataclass(frozen=True)
class Purged:
    person_id: int
    code: str
    followup_ended_at: datetime


def retention_cutoff(now: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months before `now` (the last day of
    the month when that day does not exist)."""
    year, month0 = divmod(now.year * 12 + now.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return now.replace(year=year, month=month0 + 1, day=min(now.day, last_day))


def purge(services: Services, *, dry_run: bool, by: Actor = CLI) -> list[Purged]:
    """Erase the persons whose follow-up ended more than `retention_months` ago (only
    list them, `dry_run`); what was (or would be) erased."""
    with services.write() as tx:
        cutoff = retention_cutoff(tx.now, services.settings.retention_months)
        due = [
            Purged(id_of(p), p.code, p.followup_ended_at)
            for p in ended_before(tx.session, cutoff)
            if p.followup_ended_at is not None
        ]
        detail = {"dry_run": dry_run, "cutoff": cutoff.isoformat(), "persons": len(due)}
        _audit(tx, by, "retention_purge", None, detail)
        if not dry_run:
            for found in due:
                _erase(tx, found.person_id, SYSTEM, "retention")
    return due


def _audit(tx: Tx, by: Actor, action: str, person_id: int | None, detail: dict[str, Any]) -> None:
    record_audit(
        tx.session,
        actor_kind=by.kind,
        actor_id=by.id,
        action=action,
        person_id=person_id,
        detail=detail,
        now=tx.now,
    )
