"""A person's page: the transcript (by pages, a day, a search), the file beside it,
private notes, a message into the conversation, flags dealt with (the appointments'
forms are in `routes.appointments`).

Every view and every change is written in the audit log; a person the counsellor
does not follow is a 404 (`FollowedDep`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot import flags
from bot.console import words
from bot.console.context import Console
from bot.console.deps import (
    ConsoleDep,
    Followed,
    FollowedDep,
    FormText,
    PostedFollowedDep,
    QueryText,
    ScriptFollowedDep,
    ServicesDep,
    parse_id,
    refused,
)
from bot.console.errors import not_found
from bot.console.followup import CHANGEABLE, AppointmentForm, appointments_of, flag_lines
from bot.console.person import person_file
from bot.console.record import record, record_in
from bot.console.security import ConsoleRoute
from bot.console.transcript import lines_after, read_page, who_said
from bot.counsellor_message import write_to_person
from bot.services import Services
from bot.turn import retrying
from bot.tx import Tx
from storage.enums import Channel
from storage.flags import get_flag
from storage.notes import add_note, notes_of
from storage.search import search as search_transcripts

router = APIRouter(prefix="/console/persons", route_class=ConsoleRoute, include_in_schema=False)
MAX_NOTE = 5000
MAX_QUERY = 200
LIVE_LIMIT = 50
NOTICES = {
    "note": words.NOTE_SAVED,
    "telegram": words.SENT_TELEGRAM,
    "kiosk": words.SENT_KIOSK,
    "date": words.DATE_SAVED,
    "released": words.RELEASED,
    "already": words.ALREADY_RELEASED,
    "ended": words.FOLLOWUP_ENDED,
    "reopened": words.FOLLOWUP_REOPENED,
    "dealt": words.FLAG_DEALT,
    "gone": words.FLAG_GONE,
    "appointment_added": words.APPOINTMENT_ADDED,
    "appointment_moved": words.APPOINTMENT_MOVED,
    "appointment_cancelled": words.APPOINTMENT_CANCELLED,
    "appointment_done": words.APPOINTMENT_DONE,
    "appointment_missed": words.APPOINTMENT_MISSED,
}
ERRORS = {
    "empty_note": words.EMPTY_NOTE,
    "empty_message": words.EMPTY_MESSAGE,
    "too_long": words.TOO_LONG,
    "bad_date": words.BAD_DATE,
}


def back_to(person_id: int, notice: str = "", error: str = "", anchor: str = "") -> Response:
    """Post/Redirect/Get: the person's page, with a notice or an error by its key."""
    query = f"?notice={notice}" if notice else f"?error={error}" if error else ""
    return RedirectResponse(f"/console/persons/{person_id}{query}{anchor}", 303)


@router.get("/{person_id}")
def person_page(
    services: ServicesDep,
    console: ConsoleDep,
    followed: FollowedDep,
    before: QueryText = "",
    after: QueryText = "",
    day: QueryText = "",
    around: QueryText = "",
    notice: QueryText = "",
    error: QueryText = "",
) -> Response:
    return show_person(
        services,
        console,
        followed,
        before=before,
        after=after,
        day=day,
        around=around,
        notice=NOTICES.get(notice, ""),
        error=ERRORS.get(error, ""),
    )


def show_person(
    services: Services,
    console: Console,
    followed: Followed,
    *,
    before: str = "",
    after: str = "",
    day: str = "",
    around: str = "",
    notice: str = "",
    error: str = "",
    form: AppointmentForm | None = None,
) -> Response:
    """The person's page (the view audited); `form`, an appointment form refused, is
    shown again as typed with what to fix (status 400)."""
    asked_day = _day(day)
    with services.read() as tx:  # one read for the transcript and the file
        page = read_page(
            tx,
            followed.person_id,
            services.settings.console_page_size,
            timezone=services.settings.timezone,
            before=parse_id(before),
            after=parse_id(after),
            day=asked_day,
            around=parse_id(around),
        )
        beside = _beside(services, console, tx, followed.person_id)
    beside["appointments"] = appointments_of(services, followed.person_id)
    beside["flags"] = flag_lines(
        services, followed.person_id, console.pages.translator, console.questions
    )
    shown = [line.id for line in page.lines]
    detail: dict[str, Any] = {"entries": len(shown)}
    if shown:
        detail["from"], detail["to"] = shown[0], shown[-1]
    if asked_day is not None:
        detail["day"] = asked_day.isoformat()
    record(services, followed.staff, "person_viewed", followed.person_id, **detail)
    return console.pages.render(
        "person.html",
        status_code=400 if form is not None else 200,
        staff=followed.staff,
        page=page,
        who_said=who_said,
        max_length=services.settings.max_text_length,
        max_note=MAX_NOTE,
        retention_months=services.settings.retention_months,
        q="",
        notice=notice,
        error=error,
        day=asked_day.isoformat() if asked_day else "",
        now=tx.now,
        changeable=CHANGEABLE,
        form=form if form is not None and form.appointment_id is None else AppointmentForm(),
        moving=form if form is not None and form.appointment_id is not None else None,
        **beside,
    )


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _beside(services: Services, console: Console, tx: Tx, person_id: int) -> dict[str, Any]:
    """What the page shows beside the transcript, read with it: the file, notes."""
    return {
        "file": person_file(services, tx, person_id, console.domains, console.questions),
        "notes": notes_of(tx.session, person_id),
    }


@router.get("/{person_id}/search")
def search_person(
    services: ServicesDep,
    console: ConsoleDep,
    followed: FollowedDep,
    q: QueryText = "",
    before: QueryText = "",
) -> Response:
    """Every word in this person's transcript (audited)."""
    q = q[:MAX_QUERY]
    size = services.settings.console_page_size
    hits = []
    if q.strip():
        with services.read() as tx:
            hits = search_transcripts(
                tx.session, [followed.person_id], q, limit=size + 1, before=parse_id(before)
            )
        shown = min(len(hits), size)
        record(
            services,
            followed.staff,
            "transcript_searched",
            followed.person_id,
            query=q,
            results=shown,
        )
    with services.read() as tx:
        file = person_file(services, tx, followed.person_id, console.domains, console.questions)
    return console.pages.render(
        "search.html",
        staff=followed.staff,
        file=file,
        q=q,
        hits=hits[:size],
        more=len(hits) > size,
        names={},
        who_said=who_said,
    )


@router.get("/{person_id}/live")
def live(
    services: ServicesDep, console: ConsoleDep, followed: ScriptFollowedDep, after: QueryText = ""
) -> Response:
    """What was written after the last entry on screen, as list items (for
    `console.js`); 204 when nothing new. Reading new entries is a view: recorded."""
    last = parse_id(after)
    if last is None:
        raise not_found()
    with services.read() as tx:
        lines = lines_after(tx, followed.person_id, last, LIVE_LIMIT)
    if not lines:
        return Response(status_code=204)
    record(
        services,
        followed.staff,
        "person_viewed",
        followed.person_id,
        live=True,
        entries=len(lines),
        to=lines[-1].id,
    )
    html = console.pages.html("_lines.html", lines=lines, focus=None, who_said=who_said)
    return HTMLResponse(html, headers={"X-Last-Entry": str(lines[-1].id)})


def _text(raw: str, limit: int) -> str | None:
    """A typed text, its line ends made plain; None when it is too long."""
    text = raw.replace("\r\n", "\n").strip()
    return text if len(text) <= limit else None


@router.post("/{person_id}/notes")
def write_note(services: ServicesDep, followed: PostedFollowedDep, text: FormText = "") -> Response:
    note = _text(text, MAX_NOTE)
    if note is None:
        return back_to(followed.person_id, error="too_long", anchor="#notes")
    if not note:
        return back_to(followed.person_id, error="empty_note", anchor="#notes")
    with services.write() as tx:
        note_id = add_note(
            tx.session, followed.person_id, followed.staff.counsellor_id, note, tx.now
        )
        record_in(tx, followed.staff, "note_written", followed.person_id, note=note_id)
    return back_to(followed.person_id, notice="note", anchor="#notes")


@router.post("/{person_id}/messages")
def write_message(
    services: ServicesDep, followed: PostedFollowedDep, text: FormText = ""
) -> Response:
    """The counsellor's words into the conversation, through the delivery port."""
    message = _text(text, services.settings.max_text_length)
    if message is None:
        return back_to(followed.person_id, error="too_long", anchor="#write")
    if not message:
        return back_to(followed.person_id, error="empty_message", anchor="#write")
    staff = followed.staff

    def unit() -> Channel:
        with services.write() as tx:
            written = write_to_person(
                services, tx, followed.person_id, staff.counsellor_id, staff.name, message
            )
            return written.channel

    channel = retrying(unit)
    notice = "telegram" if channel == Channel.TELEGRAM else "kiosk"
    return back_to(followed.person_id, notice=notice, anchor="#last")


@router.post("/{person_id}/flags/{flag_id}/dealt")
def flag_dealt(
    request: Request, services: ServicesDep, followed: PostedFollowedDep, flag_id: str
) -> Response:
    """Mark one of the person's flags dealt with, by the counsellor's login (`bot.flags`)."""
    wanted = parse_id(flag_id)
    with services.read() as tx:
        found = get_flag(tx.session, wanted) if wanted is not None else None
    if found is None or found.person_id != followed.person_id:
        refused(
            services, request, followed.staff, "not_theirs", person_id=followed.person_id,
            asked=flag_id,
        )  # fmt: skip
        raise not_found()
    if found.dealt_at is not None:
        return back_to(followed.person_id, notice="gone", anchor="#flags")
    flags.deal_with(services, found.id, by=followed.staff.login)
    record(services, followed.staff, "flag_dealt", followed.person_id, flag=found.id)
    return back_to(followed.person_id, notice="dealt", anchor="#flags")
