"""Who may do what in the console, as FastAPI dependencies declared once (`Annotated`).

* `StaffDep`: a counsellor logged in (else the login page);
* `PostingDep`: the same, and the form carries their session's CSRF token (else 403);
* `AdminDep`, `PostingAdminDep`: an administrator (else 404);
* `FollowedDep`, `PostedFollowedDep`: a person the counsellor follows (else 404, the
  same as a person who does not exist, or a forged id).

Every refusal is written in the audit log (`console_refused`), with who asked and
what for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, Query, Request
from pydantic import AfterValidator

from bot.console import words
from bot.console.context import Console
from bot.console.errors import NotLoggedIn, Refused, not_found
from bot.console.pages import Pages
from bot.console.session import COOKIE, Staff, csrf_ok, resume
from bot.services import Services
from bot.typed import cleaned
from storage.audit import record_audit
from storage.counsellors import is_assigned
from storage.persons import get_person

MAX_ID = 2**31 - 1  # the id columns are 32-bit on PostgreSQL: a larger number is no row

FormText = Annotated[str, Form(), AfterValidator(cleaned)]
"""A form field as typed, without control characters (a NUL would be a 500 on PostgreSQL)."""
QueryText = Annotated[str, Query(), AfterValidator(cleaned)]
"""A query parameter as typed, without control characters."""


async def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


async def pages_of(request: Request) -> Pages:
    console: Console = request.app.state.console
    return console.pages


ServicesDep = Annotated[Services, Depends(services_of)]
ConsoleDep = Annotated[Console, Depends(console_of)]
PagesDep = Annotated[Pages, Depends(pages_of)]


def refused(
    services: Services,
    request: Request,
    staff: Staff | None,
    reason: str,
    *,
    person_id: int | None = None,
    asked: str | None = None,
) -> None:
    """Write a refusal in the audit log: who, what they asked, why it was refused."""
    detail = {"method": request.method, "path": cleaned(request.url.path)[:200], "reason": reason}
    if asked is not None:
        detail["asked"] = cleaned(asked)[:64]
    with services.write() as tx:
        record_audit(
            tx.session,
            actor_kind="counsellor" if staff else "anonymous",
            actor_id=staff.counsellor_id if staff else None,
            action="console_refused",
            person_id=person_id,
            detail=detail,
            now=tx.now,
        )


def staff_of(request: Request, services: ServicesDep) -> Staff:
    """The counsellor of the session cookie; the login page otherwise."""
    resumed = resume(services, request.cookies.get(COOKIE))
    if resumed.staff is None:
        refused(services, request, None, f"not_logged_in:{resumed.ended}")
        raise NotLoggedIn(resumed.ended)
    return resumed.staff


def script_staff_of(request: Request, services: ServicesDep) -> Staff:
    """The same for what a script asks: 401 otherwise, and the idle clock runs on."""
    resumed = resume(services, request.cookies.get(COOKIE), activity=False)
    if resumed.staff is None:
        refused(services, request, None, f"not_logged_in:{resumed.ended}")
        raise NotLoggedIn(resumed.ended, script=True)
    return resumed.staff


StaffDep = Annotated[Staff, Depends(staff_of)]
ScriptStaffDep = Annotated[Staff, Depends(script_staff_of)]


def posting_staff_of(
    request: Request, services: ServicesDep, staff: StaffDep, csrf: FormText = ""
) -> Staff:
    """The counsellor, when the form carries their session's token (else 403)."""
    if not csrf_ok(staff, csrf):
        refused(services, request, staff, "csrf")
        raise Refused(words.FORBIDDEN, 403)
    return staff


PostingDep = Annotated[Staff, Depends(posting_staff_of)]


def _admin(request: Request, services: Services, staff: Staff) -> Staff:
    if not staff.is_admin:
        refused(services, request, staff, "not_admin")
        raise not_found()
    return staff


def admin_of(request: Request, services: ServicesDep, staff: StaffDep) -> Staff:
    return _admin(request, services, staff)


def posting_admin_of(request: Request, services: ServicesDep, staff: PostingDep) -> Staff:
    return _admin(request, services, staff)


AdminDep = Annotated[Staff, Depends(admin_of)]
PostingAdminDep = Annotated[Staff, Depends(posting_admin_of)]


@dataclass(frozen=True)
class Followed:
    """A person the counsellor follows, and the counsellor."""

    person_id: int
    staff: Staff


def parse_id(raw: str) -> int | None:
    """An id typed in an address or a form: digits only, within the columns' range."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def _followed(request: Request, services: Services, staff: Staff, person_id: str) -> Followed:
    wanted = parse_id(person_id)
    if wanted is None:
        refused(services, request, staff, "bad_id", asked=person_id)
        raise not_found()
    with services.read() as tx:
        person = get_person(tx.session, wanted)
        exists = person is not None
        allowed = (
            person is not None
            and person.erased_at is None
            and is_assigned(tx.session, staff.counsellor_id, wanted)
        )
    if not allowed:
        reason = "not_assigned" if exists else "no_such_person"
        refused(
            services,
            request,
            staff,
            reason,
            person_id=wanted if exists else None,
            asked=None if exists else person_id,
        )
        raise not_found()
    return Followed(wanted, staff)


def followed_of(
    request: Request, services: ServicesDep, staff: StaffDep, person_id: str
) -> Followed:
    return _followed(request, services, staff, person_id)


def script_followed_of(
    request: Request, services: ServicesDep, staff: ScriptStaffDep, person_id: str
) -> Followed:
    return _followed(request, services, staff, person_id)


def posted_followed_of(
    request: Request, services: ServicesDep, staff: PostingDep, person_id: str
) -> Followed:
    return _followed(request, services, staff, person_id)


FollowedDep = Annotated[Followed, Depends(followed_of)]
ScriptFollowedDep = Annotated[Followed, Depends(script_followed_of)]
PostedFollowedDep = Annotated[Followed, Depends(posted_followed_of)]


def administered_person_of(
    request: Request, services: ServicesDep, staff: PostingAdminDep, person_id: str
) -> Followed:
    """Any person (not erased), for an administrator's posted form (erasure)."""
    wanted = parse_id(person_id)
    with services.read() as tx:
        person = get_person(tx.session, wanted) if wanted is not None else None
        found = person is not None and person.erased_at is None
    if wanted is None or not found:
        refused(services, request, staff, "no_such_person", asked=person_id)
        raise not_found()
    return Followed(wanted, staff)


AdministeredDep = Annotated[Followed, Depends(administered_person_of)]
