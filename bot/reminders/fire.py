"""What one due reminder does, checked again at the moment it fires.

The appointment is read as it is now (in the worker's transaction, locked):

* cancelled, done, missed, or the person said they cannot come: nothing is sent;
* confirmed: the reminder still goes, with "Je ne peux pas venir" only;
* a reminder found late (after downtime) goes while it is still useful
  (`policy.decide`), worded for the moment it is sent; at night it waits for
  08:00; too late, it is dropped and logged;
* the follow-up ("what happened?") goes the day after an appointment nobody
  marked done, and flags a counsellor (reason "missed").

The card goes wherever the person is reached now (`bot.reminders.cards.tell`);
a person released without a linked phone still finds it at the kiosk, and a
counsellor is flagged: they cannot be reached.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from bot import flags
from bot.reminders import policy
from bot.reminders.cards import card_of, tell
from bot.reminders.planning import FOLLOW_UP
from bot.services import Services
from bot.tx import Tx
from dialogs.appointments import Answer
from dialogs.outputs import Appointment as Card
from storage.enums import AppointmentStatus, Channel, FlagReason, ReminderOutcome
from storage.outbox import Queued
from storage.reminders import Due, Ended, postpone

log = logging.getLogger(__name__)

FOLLOW_UP_FOR = timedelta(days=7)
"""How late (after downtime) the follow-up may still ask what happened."""
_SILENCED = {
    AppointmentStatus.CANCELLED: "cancelled",
    AppointmentStatus.DONE: "done",
    AppointmentStatus.MISSED: "missed",
    AppointmentStatus.CANNOT_COME: "cannot_come",
}


@dataclass(frozen=True)
class Fired:
    """What a due reminder became: ended (sent, dropped) or postponed, and what it queued."""

    action: Literal["sent", "dropped", "waiting"]
    ended: Ended | None = None
    queued: list[Queued] = field(default_factory=list)


def fire(services: Services, tx: Tx, due: Due) -> Fired:
    """Decide at `tx.now` what the due reminder does, and do it in `tx`."""
    appointment = due.appointment
    silenced = _SILENCED.get(appointment.status)
    if silenced is not None:
        return _dropped(due, silenced)
    timezone = services.settings.timezone
    if due.label == FOLLOW_UP:
        return _follow_up(services, tx, due, timezone)
    label = next((known for known in get_args(policy.Label) if known == due.label), None)
    if label is None:
        return _dropped(due, f"unknown label {due.label!r}")
    decision = policy.decide(label, due.due_at, appointment.start_at, tx.now, timezone)
    if decision.action == "drop":
        return _dropped(due, decision.why)
    if decision.action == "wait" and decision.until is not None:
        postpone(tx.session, due.id, decision.until)
        return Fired("waiting")
    answers: tuple[Answer, ...] | None = (
        ("no",) if appointment.status == AppointmentStatus.CONFIRMED else None
    )
    return _sent(services, tx, due, card_of(appointment.id, appointment, "reminder", answers))


def _follow_up(services: Services, tx: Tx, due: Due, timezone: str) -> Fired:
    if tx.now - due.due_at > FOLLOW_UP_FOR:
        return _dropped(due, "too_late")
    local = tx.now.astimezone(ZoneInfo(timezone))
    if local.time() >= policy.NIGHT_STARTS or local.time() < policy.NIGHT_ENDS:
        postpone(tx.session, due.id, _next_morning(local))
        return Fired("waiting")
    appointment = due.appointment
    flags.raise_in(
        tx,
        due.person.id,
        FlagReason.MISSED,
        appointment_id=appointment.id,
        detail={
            "kind": appointment.kind,
            "start": appointment.start_at.isoformat(),
            "answer": "",
            "note": "not marked done the day after; the person was asked",
        },
    )
    return _sent(services, tx, due, card_of(appointment.id, appointment, "follow_up"))


def _sent(services: Services, tx: Tx, due: Due, shown: Card) -> Fired:
    channel, queued = tell(services, tx, due.person, shown)
    if channel == Channel.KIOSK and due.person.released_at is not None:
        _unreachable(tx, due, "released, and no phone linked: the reminder waits at the kiosk")
    elif due.unreachable_at is not None:
        _unreachable(tx, due, "Telegram refuses to deliver (the bot is blocked)")
    return Fired("sent", Ended(due.id, ReminderOutcome.SENT, str(channel)), queued)


def _unreachable(tx: Tx, due: Due, why: str) -> None:
    flags.raise_in(
        tx,
        due.person.id,
        FlagReason.UNREACHABLE,
        detail={"why": why, "appointment": due.appointment.id, "reminder": due.label},
    )


def _dropped(due: Due, why: str) -> Fired:
    if why not in _SILENCED.values():
        log.info(
            "reminder %s (%s) of appointment %s due %s dropped: %s",
            due.id,
            due.label,
            due.appointment.id,
            due.due_at.isoformat(),
            why,
        )
    return Fired("dropped", Ended(due.id, ReminderOutcome.DROPPED, why))


def _next_morning(local: datetime) -> datetime:
    day = local.date() + timedelta(days=1 if local.time() >= policy.NIGHT_STARTS else 0)
    return datetime.combine(day, policy.NIGHT_ENDS, tzinfo=local.tzinfo)
