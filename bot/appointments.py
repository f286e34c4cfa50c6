"""Appointments: what counsellors (the command line, the console) and the conversation
do with them. The one place that changes an appointment.

Each operation is one unit of work: the appointment, its history, its reminder
rows (`bot.reminders.planning`) and the notice to the person (a card through
the delivery port: "Nouveau rendez-vous", "Rendez-vous déplacé", "Rendez-vous
annulé") commit together or not at all. Bad input raises `Refused`, whose
`reason` a caller may turn into its own words and whose message says what to
fix. Times are aware UTC; `local_start` reads a counsellor's Paris wall time.

The `_in` functions run inside a unit of work a caller opened (a turn records
what the person said there: `record_answer`, `add_in`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot import flags
from bot.reminders.cards import card_of, person_view, tell
from bot.reminders.ics import appointment_ics
from bot.reminders.planning import plan_reminders, replan_reminders
from bot.services import Services
from bot.tx import Tx
from dialogs.appointments import KINDS, AppointmentKind, is_kind
from dialogs.events import AppointmentFacts
from dialogs.outputs import AppointmentAnswer
from dialogs.when import HORIZON_YEARS, Refusal, when_at
from storage import appointments as stored
from storage.appointments import Actor, Details
from storage.enums import AppointmentStatus, FlagReason, Origin
from storage.flags import find_open
from storage.models import Appointment, Person
from storage.reminders import cancel_pending, reminders_of
from storage.rows import id_of

__all__ = [
    "AppointmentView",
    "Details",
    "Refused",
    "add",
    "cancel",
    "check_kind",
    "get",
    "list_of",
    "local_start",
    "mark_done",
    "mark_missed",
    "move",
    "upcoming",
]

Reason = Literal[
    "unknown_person",
    "unknown_appointment",
    "unknown_kind",
    "unreadable",
    "past",
    "too_far",
    "skipped_hour",
    "repeated_hour",
    "closed",
]
_WHEN_REFUSALS = {
    "past": "this time is already past",
    "too_far": "this time is more than two years ahead: check the year",
    "skipped_hour": (
        "this time does not exist that night: the clocks go forward from 02:00 to 03:00 "
        "(last Sunday of March); check the time on the convocation"
    ),
    "impossible_date": "this date does not exist",
    "impossible_time": "this time does not exist",
}


class Refused(ValueError):
    """What a counsellor asked cannot be done: `reason` says why, the message how to fix it."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Change:
    """One line of an appointment's history."""

    at: datetime
    status: AppointmentStatus
    start: datetime
    actor_kind: str
    actor_id: str | None
    note: str


@dataclass(frozen=True)
class ReminderView:
    """One reminder row: due when, and how it ended (None: still to send)."""

    label: str
    due_at: datetime
    outcome: str | None
    detail: str
    done_at: datetime | None


@dataclass(frozen=True)
class AppointmentView:
    """An appointment as a counsellor reads it, with its history and its reminders."""

    id: int
    person_id: int
    person_code: str
    kind: str
    start: datetime
    duration_minutes: int | None
    place: str
    address: str
    directions: str
    with_whom: str
    bring: str
    inside: bool
    origin: Origin
    created_by: str | None
    status: AppointmentStatus
    sequence: int
    changes: tuple[Change, ...] = field(default=())
    reminders: tuple[ReminderView, ...] = field(default=())


# --- reading what a counsellor typed ----------------------------------------------------------


def check_kind(kind: str) -> AppointmentKind:
    """`kind` if it is a kind of appointment; `Refused` naming the known ones otherwise."""
    if is_kind(kind):
        return kind
    raise Refused("unknown_kind", f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")


def local_start(text: str, now: datetime, timezone: str) -> datetime:
    """A start typed "YYYY-MM-DD HH:MM" in `timezone` (Europe/Paris), as aware UTC.

    Refused: another form, a date or time that does not exist, a time the clocks
    skip (last Sunday of March) or go through twice (last Sunday of October: say
    which by typing the time just before or after), the past, more than two years ahead.
    """
    try:
        typed = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")  # noqa: DTZ007 - a wall time
    except ValueError:
        raise Refused(
            "unreadable", f"{text!r} is not a date and time written YYYY-MM-DD HH:MM"
        ) from None
    found = when_at(typed.date(), typed.time(), now, timezone)
    why = (
        f"{text}: {_WHEN_REFUSALS.get(found.reason, found.reason)}"
        if isinstance(found, Refusal)
        else ""
    )
    if isinstance(found, Refusal) and found.reason == "past":
        raise Refused("past", why)
    if isinstance(found, Refusal) and found.reason == "too_far":
        raise Refused("too_far", why)
    if isinstance(found, Refusal) and found.reason == "skipped_hour":
        raise Refused("skipped_hour", why)
    if isinstance(found, Refusal) or found.at is None:
        raise Refused("unreadable", why or f"{text}: not a moment")
    if found.repeated_hour:
        raise Refused(
            "repeated_hour",
            f"{text}: this time happens twice that night (the clocks go back from 03:00 to "
            "02:00, last Sunday of October), so it is ambiguous; check the convocation",
        )
    return found.at.astimezone(UTC)


def check_start(start: datetime, now: datetime) -> None:
    """A start given as an instant (the console's): ahead, and not too far."""
    if start.tzinfo is None:
        raise Refused("unreadable", "the start must be an aware datetime")
    if start <= now:
        raise Refused("past", f"{start.isoformat()}: this time is already past")
    try:
        horizon = now.replace(year=now.year + HORIZON_YEARS)
    except ValueError:  # 29 February
        horizon = now.replace(year=now.year + HORIZON_YEARS, day=28)
    if start > horizon:
        raise Refused("too_far", f"{start.isoformat()}: more than two years ahead; check the year")


# --- what counsellors do ---------------------------------------------------------------------


def add(
    services: Services,
    person_id: int,
    kind: str,
    start: datetime,
    details: Details | None = None,
    *,
    by: str | None = None,
    origin: Origin = Origin.COUNSELLOR,
) -> AppointmentView:
    """A counsellor (`by`, their login) gives a person an appointment: stored with its
    reminders, and the person is told ("Nouveau rendez-vous", with "J'y serai" and
    "Je ne peux pas venir"). Raises `Refused` for an unknown person or kind, or a start
    in the past, more than two years ahead or at a time that does not exist."""
    checked = check_kind(kind)
    with services.write() as tx:
        check_start(start, tx.now)
        person = _person(tx, person_id)
        row = add_in(
            services,
            tx,
            person,
            checked,
            start,
            details or Details(),
            origin=origin,
            actor=_counsellor(by),
        )
        _notify(services, tx, person, row, "new")
        return _view(tx, row, person)


def move(
    services: Services, appointment_id: int, start: datetime, *, by: str | None = None
) -> AppointmentView:
    """A new time: reminders planned again, the person told ("Rendez-vous déplacé").
    An answer given to the old time no longer holds: the appointment is planned again."""
    with services.write() as tx:
        check_start(start, tx.now)
        row, person = _appointment(tx, appointment_id)
        if row.status in (AppointmentStatus.CANCELLED, AppointmentStatus.DONE):
            raise Refused("closed", f"appointment {appointment_id} is {row.status}: add a new one")
        stored.move_appointment(tx.session, row, start, actor=_counsellor(by), now=tx.now)
        replan_reminders(
            tx,
            appointment_id=appointment_id,
            person_id=row.person_id,
            kind=check_kind(row.kind),
            start=row.start_at,
            timezone=services.settings.timezone,
            duration=_duration(row),
        )
        _notify(services, tx, person, row, "moved")
        return _view(tx, row, person)


def cancel(
    services: Services, appointment_id: int, *, by: str | None = None, note: str = ""
) -> AppointmentView:
    """Cancel: no more reminders, and the person is told ("Rendez-vous annulé") if it was
    still to come. Cancelling twice changes nothing."""
    with services.write() as tx:
        row, person = _appointment(tx, appointment_id)
        if row.status == AppointmentStatus.CANCELLED:
            return _view(tx, row, person)
        if row.status == AppointmentStatus.DONE:
            raise Refused("closed", f"appointment {appointment_id} is done: it cannot be cancelled")
        actor = _counsellor(by)
        stored.set_status(
            tx.session, row, AppointmentStatus.CANCELLED, actor=actor, now=tx.now, note=note
        )
        cancel_pending(tx.session, appointment_id, tx.now, "cancelled")
        if row.start_at > tx.now:
            _notify(services, tx, person, row, "cancelled")
        return _view(tx, row, person)


def mark_done(services: Services, appointment_id: int, *, by: str | None = None) -> AppointmentView:
    """The person went: no follow-up will ask. Refused for a cancelled appointment."""
    return _close(services, appointment_id, AppointmentStatus.DONE, by)


def mark_missed(
    services: Services, appointment_id: int, *, by: str | None = None
) -> AppointmentView:
    """The person did not go (a counsellor says so)."""
    return _close(services, appointment_id, AppointmentStatus.MISSED, by)


def get(services: Services, appointment_id: int) -> AppointmentView:
    """One appointment with its history and reminders; `Refused` if there is none."""
    with services.read() as tx:
        row, person = _appointment(tx, appointment_id)
        return _view(tx, row, person)


def list_of(
    services: Services, person_id: int, *, include_past: bool = False
) -> list[AppointmentView]:
    """A person's appointments in time order: those still to come (from the start of
    today), or all of them."""
    with services.read() as tx:
        person = _person(tx, person_id)
        since = None if include_past else _start_of_day(tx.now, services.settings.timezone)
        rows = stored.appointments_of(tx.session, person_id, since=since)
        return [_view(tx, row, person) for row in rows]


def upcoming(services: Services, *, limit: int = 500) -> list[AppointmentView]:
    """Everyone's appointments from the start of today, in time order (at most `limit`)."""
    with services.read() as tx:
        since = _start_of_day(tx.now, services.settings.timezone)
        views = []
        for row in stored.upcoming(tx.session, since=since, limit=limit):
            views.append(_view(tx, row, _person(tx, row.person_id)))
        return views


# --- what the conversation does --------------------------------------------------------------


def add_in(
    services: Services,
    tx: Tx,
    person: Person,
    kind: AppointmentKind,
    start: datetime,
    details: Details,
    *,
    origin: Origin,
    actor: Actor,
) -> Appointment:
    """Store an appointment and its reminder rows in the caller's unit of work."""
    row = stored.create_appointment(
        tx.session,
        person_id=id_of(person),
        kind=kind,
        start_at=start,
        details=details,
        origin=origin,
        actor=actor,
        now=tx.now,
    )
    plan_reminders(
        tx,
        appointment_id=id_of(row),
        person_id=id_of(person),
        kind=kind,
        start=row.start_at,
        timezone=services.settings.timezone,
        duration=_duration(row),
    )
    return row


def facts(tx: Tx, person_id: int, appointment_id: str) -> AppointmentFacts | None:
    """What the engine may know of the person's appointment named by a card's button
    (None when it is not theirs, or no appointment at all)."""
    if not appointment_id.isdigit() or len(appointment_id) > 18:
        return None
    row = stored.get_appointment(tx.session, int(appointment_id), for_update=True)
    if row is None or row.person_id != person_id:
        return None
    return AppointmentFacts(appointment_id, row.kind, row.status.value, row.start_at)


_ANSWERED = {
    "yes": AppointmentStatus.CONFIRMED,
    "no": AppointmentStatus.CANNOT_COME,
    "went": AppointmentStatus.DONE,
    "missed": AppointmentStatus.MISSED,
}


def record_answer(tx: Tx, person_id: int, answer: AppointmentAnswer) -> None:
    """What the person answered, in their turn: the status (with the reason as its note),
    and a flag for a counsellor when they cannot come or missed it."""
    found = facts(tx, person_id, answer.appointment_id)
    if found is None or found.status == "cancelled":
        return
    row = stored.get_appointment(tx.session, int(answer.appointment_id))
    if row is None:  # pragma: no cover - just read
        return
    note = " — ".join(part for part in (answer.why, answer.said) if part)
    status = _ANSWERED[answer.answer]
    actor = Actor("person", str(person_id))
    stored.set_status(tx.session, row, status, actor=actor, now=tx.now, note=note)
    detail = {"kind": row.kind, "start": row.start_at.isoformat(), "answer": answer.answer}
    if answer.why:
        detail["why"] = answer.why
    if answer.said:
        detail["said"] = answer.said
    if answer.answer == "no":
        told = find_open(tx.session, person_id, FlagReason.CANNOT_COME, id_of(row))
        if told is not None and (answer.why or answer.said):
            # Why, said just after "Je ne peux pas venir": the same flag, now with the reason.
            told.detail = {**told.detail, **detail}
            tx.session.add(told)
            tx.session.flush()
        else:
            flags.raise_in(
                tx, person_id, FlagReason.CANNOT_COME, appointment_id=id_of(row), detail=detail
            )
    elif answer.answer == "missed":
        flags.raise_in(tx, person_id, FlagReason.MISSED, appointment_id=id_of(row), detail=detail)
    elif answer.answer == "went":
        open_missed = find_open(tx.session, person_id, FlagReason.MISSED, id_of(row))
        if open_missed is not None:  # the follow-up flagged it: say what the person said
            open_missed.detail = {**open_missed.detail, "answer": "went"}
            tx.session.add(open_missed)
            tx.session.flush()


def calendar_file(
    services: Services, tx: Tx, person_id: int, appointment_id: str
) -> tuple[str, bytes] | None:
    """The .ics file of the person's appointment ("Ajouter à mon agenda"), in their
    language, and its file name; None when it is not theirs or is cancelled."""
    found = facts(tx, person_id, appointment_id)
    row = stored.get_appointment(tx.session, int(appointment_id)) if found else None
    person = tx.session.get(Person, person_id)
    if row is None or person is None or row.status == AppointmentStatus.CANCELLED:
        return None
    translator = services.catalogs.get(person.language)
    shown = card_of(id_of(row), row, "reminder")
    data = appointment_ics(
        shown, translator, stamp=tx.now, duration=_duration(row), sequence=row.sequence
    )
    day = row.start_at.astimezone(_zone(services.settings.timezone)).date().isoformat()
    return f"rendez-vous-{day}.ics", data


# --- the pieces --------------------------------------------------------------------------------


def _close(
    services: Services, appointment_id: int, status: AppointmentStatus, by: str | None
) -> AppointmentView:
    with services.write() as tx:
        row, person = _appointment(tx, appointment_id)
        if row.status == AppointmentStatus.CANCELLED:
            raise Refused("closed", f"appointment {appointment_id} is cancelled")
        stored.set_status(tx.session, row, status, actor=_counsellor(by), now=tx.now)
        return _view(tx, row, person)


def _notify(
    services: Services,
    tx: Tx,
    person: Person,
    row: Appointment,
    heading: Literal["new", "moved", "cancelled"],
) -> None:
    tell(services, tx, person_view(person), card_of(id_of(row), row, heading))


def _person(tx: Tx, person_id: int) -> Person:
    person = tx.session.get(Person, person_id)
    if person is None:
        raise Refused("unknown_person", f"no person with id {person_id}")
    return person


def _appointment(tx: Tx, appointment_id: int) -> tuple[Appointment, Person]:
    row = stored.get_appointment(tx.session, appointment_id, for_update=True)
    if row is None:
        raise Refused(
            "unknown_appointment",
            f"no appointment {appointment_id} (`filrouge appointment list CODE` shows the numbers)",
        )
    return row, _person(tx, row.person_id)


def _counsellor(by: str | None) -> Actor:
    return Actor("counsellor", by)


def _duration(row: Appointment) -> timedelta | None:
    return timedelta(minutes=row.duration_minutes) if row.duration_minutes else None


def _start_of_day(now: datetime, timezone: str) -> datetime:
    zone = _zone(timezone)
    today: date = now.astimezone(zone).date()
    return datetime.combine(today, time(), tzinfo=zone)


def _zone(timezone: str) -> ZoneInfo:
    return ZoneInfo(timezone)


def _view(tx: Tx, row: Appointment, person: Person) -> AppointmentView:
    appointment_id = id_of(row)
    changes = tuple(
        Change(c.at, c.status, c.start_at, c.actor_kind, c.actor_id, c.note)
        for c in stored.history_of(tx.session, appointment_id)
    )
    reminders = tuple(
        ReminderView(r.label, r.due_at, r.outcome.value if r.outcome else None, r.detail, r.done_at)
        for r in reminders_of(tx.session, appointment_id)
    )
    return AppointmentView(
        id=appointment_id,
        person_id=row.person_id,
        person_code=person.code,
        kind=row.kind,
        start=row.start_at,
        duration_minutes=row.duration_minutes,
        place=row.place,
        address=row.address,
        directions=row.directions,
        with_whom=row.with_whom,
        bring=row.bring,
        inside=row.inside,
        origin=Origin(row.origin),
        created_by=row.created_by,
        status=AppointmentStatus(row.status),
        sequence=row.sequence,
        changes=changes,
        reminders=reminders,
    )
