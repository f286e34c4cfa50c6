"""Release from the console: the planned date, marking the person released, the
Telegram link code with its printable sheet, the end of the follow-up."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from bot import linking
from bot.authoring.release_sheet import person_sheet
from bot.console.deps import FormText, PostedFollowedDep, ServicesDep
from bot.console.record import record_in
from bot.console.routes.person import back_to
from bot.console.security import CATALOGUE_POLICY, ConsoleRoute
from bot.release import release
from storage.errors import NotFound
from storage.persons import get_person

router = APIRouter(prefix="/console/persons", route_class=ConsoleRoute, include_in_schema=False)


@router.post("/{person_id}/release-date")
def release_date(
    services: ServicesDep, followed: PostedFollowedDep, day: FormText = ""
) -> Response:
    """Set (or clear, empty) the day the person is expected to leave."""
    try:
        planned = date.fromisoformat(day) if day else None
    except ValueError:
        return back_to(followed.person_id, error="bad_date", anchor="#release")
    with services.write() as tx:
        person = get_person(tx.session, followed.person_id)
        if person is None:
            raise NotFound(f"no person with id {followed.person_id}")
        person.release_planned_on = planned
        tx.session.add(person)
        tx.session.flush()
        shown = planned.isoformat() if planned else None
        record_in(tx, followed.staff, "release_date_set", followed.person_id, day=shown)
    return back_to(followed.person_id, notice="date", anchor="#release")


@router.post("/{person_id}/release")
def mark_released(services: ServicesDep, followed: PostedFollowedDep) -> Response:
    """The person is out: `bot.release` records it and tells their conversation."""
    done = release(
        services,
        followed.person_id,
        actor_kind="counsellor",
        actor_id=str(followed.staff.counsellor_id),
    )
    return back_to(followed.person_id, notice="released" if done.newly else "already")


@router.post("/{person_id}/link-code")
def link_code(services: ServicesDep, followed: PostedFollowedDep) -> Response:
    """A new Telegram link code (the previous one stops working) and the printable
    release sheet, in the person's language, with what is left to do and the next
    appointments. The code is shown on this page only: it is stored hashed."""
    issued = linking.issue(
        services,
        followed.person_id,
        actor_kind="counsellor",
        actor_id=str(followed.staff.counsellor_id),
    )
    return HTMLResponse(
        person_sheet(services, followed.person_id, issued),
        headers={"Content-Security-Policy": CATALOGUE_POLICY},
    )


@router.post("/{person_id}/followup")
def followup(services: ServicesDep, followed: PostedFollowedDep, action: FormText = "") -> Response:
    """End the follow-up (the retention delay starts) or reopen it."""
    if action not in ("end", "reopen"):
        return back_to(followed.person_id)
    with services.write() as tx:
        person = get_person(tx.session, followed.person_id)
        if person is None:
            raise NotFound(f"no person with id {followed.person_id}")
        person.followup_ended_at = tx.now if action == "end" else None
        tx.session.add(person)
        tx.session.flush()
        event = "followup_ended" if action == "end" else "followup_reopened"
        record_in(tx, followed.staff, event, followed.person_id)
    return back_to(followed.person_id, notice="ended" if action == "end" else "reopened")
