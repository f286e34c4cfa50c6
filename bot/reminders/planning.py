"""The reminder rows of an appointment, from the policy, written when it is made or moved."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.reminders import policy
from bot.tx import Tx
from dialogs.appointments import AppointmentKind
from storage.reminders import Planned, cancel_pending, plan

FOLLOW_UP = "follow-up"
"""The label of the row that asks, the day after, what happened."""


def planned(
    kind: AppointmentKind,
    start: datetime,
    now: datetime,
    timezone: str,
    duration: timedelta | None = None,
) -> list[Planned]:
    """The reminders still ahead of `now` (`policy.reminders`), and the follow-up."""
    rows = [Planned(r.label, r.at) for r in policy.reminders(kind, start, now, timezone)]
    follow_up = policy.follow_up_at(start, timezone, duration)
    if follow_up > now:
        rows.append(Planned(FOLLOW_UP, follow_up))
    return rows


def plan_reminders(
    tx: Tx,
    *,
    appointment_id: int,
    person_id: int,
    kind: AppointmentKind,
    start: datetime,
    timezone: str,
    duration: timedelta | None = None,
) -> int:
    """Write the rows of a new appointment; returns how many."""
    rows = planned(kind, start, tx.now, timezone, duration)
    plan(tx.session, appointment_id=appointment_id, person_id=person_id, planned=rows, now=tx.now)
    return len(rows)


def replan_reminders(
    tx: Tx,
    *,
    appointment_id: int,
    person_id: int,
    kind: AppointmentKind,
    start: datetime,
    timezone: str,
    duration: timedelta | None = None,
) -> int:
    """A moved appointment: the rows still to send are ended ("moved"), new ones written."""
    cancel_pending(tx.session, appointment_id, tx.now, "moved")
    return plan_reminders(
        tx,
        appointment_id=appointment_id,
        person_id=person_id,
        kind=kind,
        start=start,
        timezone=timezone,
        duration=duration,
    )
