"""A person's appointments from the console: add one, move it, cancel it, mark it done
or missed. `bot.appointments` does each (the history, the reminders planned or
cancelled, the notice to the person through the delivery port); this module reads
the form, says what to fix, and writes the audit log.

A refused form is the person's page again, the values as typed and a French
sentence saying what to fix. An appointment that is not the person's is a 404,
audited, like a person the counsellor does not follow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from bot import appointments
from bot.appointments import AppointmentView, Details
from bot.console import words
from bot.console.context import Console
from bot.console.deps import (
    ConsoleDep,
    Followed,
    FormText,
    PostedFollowedDep,
    ServicesDep,
    parse_id,
    refused,
)
from bot.console.errors import not_found
from bot.console.followup import AppointmentForm
from bot.console.record import record
from bot.console.routes.person import back_to, show_person
from bot.console.security import ConsoleRoute
from bot.services import Services

router = APIRouter(prefix="/console/persons", route_class=ConsoleRoute, include_in_schema=False)
LIMITS = {"place": 200, "address": 300, "with_whom": 200, "bring": 500}
"""The longest each text may be (the columns' sizes)."""
Checkbox = Annotated[bool, Form()]


def _refused(form: AppointmentForm, error: str, **values: object) -> AppointmentForm:
    form.error, form.values = error, dict(values)
    return form


def _start(services: Services, form: AppointmentForm) -> datetime:
    """The start typed as a Paris day and time (`appointments.Refused` otherwise)."""
    typed = f"{form.day.strip()} {form.time.strip()[:5]}"
    return appointments.local_start(typed, services.clock.now(), services.settings.timezone)


@router.post("/{person_id}/appointments")
def add_appointment(
    services: ServicesDep,
    console: ConsoleDep,
    followed: PostedFollowedDep,
    kind: FormText = "",
    day: FormText = "",
    time: FormText = "",
    place: FormText = "",
    address: FormText = "",
    with_whom: FormText = "",
    bring: FormText = "",
    inside: Checkbox = False,
) -> Response:
    """A new appointment: stored with its reminders, the person told at once."""
    form = AppointmentForm(None, kind, day, time, place, address, with_whom, bring, inside)
    texts = {"place": place, "address": address, "with_whom": with_whom, "bring": bring}
    for name, text in texts.items():
        if len(text.strip()) > LIMITS[name]:
            field = console.pages.translator.gettext(words.APPOINTMENT_FIELDS[name])
            _refused(form, words.FIELD_TOO_LONG, field=field, num=LIMITS[name])
            return show_person(services, console, followed, form=form)
    try:
        checked = appointments.check_kind(kind)
        start = _start(services, form)
        made = appointments.add(
            services,
            followed.person_id,
            checked,
            start,
            Details(
                place=place.strip(),
                address=address.strip(),
                with_whom=with_whom.strip(),
                bring=bring.strip(),
                inside=inside,
            ),
            by=followed.staff.login,
        )
    except appointments.Refused as refusal:
        _refused(form, words.APPOINTMENT_REFUSALS.get(refusal.reason, words.MALFORMED))
        return show_person(services, console, followed, form=form)
    record(
        services,
        followed.staff,
        "appointment_added",
        followed.person_id,
        appointment=made.id,
        kind=made.kind,
        start=made.start.isoformat(),
    )
    return back_to(followed.person_id, notice="appointment_added", anchor="#appointments")


def _theirs(
    request: Request, services: Services, followed: Followed, appointment_id: str
) -> AppointmentView:
    """The person's appointment of this id; 404 (audited) for any other id."""
    wanted = parse_id(appointment_id)
    found = None
    if wanted is not None:
        try:
            found = appointments.get(services, wanted)
        except appointments.Refused:
            found = None
    if found is None or found.person_id != followed.person_id:
        refused(
            services, request, followed.staff, "not_theirs", person_id=followed.person_id,
            asked=appointment_id,
        )  # fmt: skip
        raise not_found()
    return found


@router.post("/{person_id}/appointments/{appointment_id}/move")
def move_appointment(
    request: Request,
    services: ServicesDep,
    console: ConsoleDep,
    followed: PostedFollowedDep,
    appointment_id: str,
    day: FormText = "",
    time: FormText = "",
) -> Response:
    """A new day and time: the reminders planned again, the person told."""
    found = _theirs(request, services, followed, appointment_id)
    form = AppointmentForm(found.id, found.kind, day, time)
    try:
        moved = appointments.move(
            services, found.id, _start(services, form), by=followed.staff.login
        )
    except appointments.Refused as refusal:
        _refused(form, words.APPOINTMENT_REFUSALS.get(refusal.reason, words.MALFORMED))
        return show_person(services, console, followed, form=form)
    record(
        services,
        followed.staff,
        "appointment_moved",
        followed.person_id,
        appointment=moved.id,
        start=moved.start.isoformat(),
    )
    return back_to(followed.person_id, notice="appointment_moved", anchor="#appointments")


def _close(
    request: Request,
    services: Services,
    console: Console,
    followed: Followed,
    appointment_id: str,
    action: Callable[..., AppointmentView],
    done: str,
) -> Response:
    found = _theirs(request, services, followed, appointment_id)
    try:
        action(services, found.id, by=followed.staff.login)
    except appointments.Refused as refusal:
        form = _refused(
            AppointmentForm(found.id, found.kind),
            words.APPOINTMENT_REFUSALS.get(refusal.reason, words.MALFORMED),
        )
        return show_person(services, console, followed, form=form)
    record(services, followed.staff, done, followed.person_id, appointment=found.id)
    return back_to(followed.person_id, notice=done, anchor="#appointments")


@router.post("/{person_id}/appointments/{appointment_id}/cancel")
def cancel_appointment(
    request: Request,
    services: ServicesDep,
    console: ConsoleDep,
    followed: PostedFollowedDep,
    appointment_id: str,
) -> Response:
    """Cancelled: no more reminders, the person told if it was still to come."""
    return _close(
        request,
        services,
        console,
        followed,
        appointment_id,
        appointments.cancel,
        "appointment_cancelled",
    )


@router.post("/{person_id}/appointments/{appointment_id}/done")
def appointment_done(
    request: Request,
    services: ServicesDep,
    console: ConsoleDep,
    followed: PostedFollowedDep,
    appointment_id: str,
) -> Response:
    """The person went."""
    return _close(
        request, services, console, followed, appointment_id, appointments.mark_done,
        "appointment_done",
    )  # fmt: skip


@router.post("/{person_id}/appointments/{appointment_id}/missed")
def appointment_missed(
    request: Request,
    services: ServicesDep,
    console: ConsoleDep,
    followed: PostedFollowedDep,
    appointment_id: str,
) -> Response:
    """The person did not go."""
    return _close(
        request, services, console, followed, appointment_id, appointments.mark_missed,
        "appointment_missed",
    )  # fmt: skip
