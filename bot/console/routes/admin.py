"""The administrators' pages: accounts, who follows whom, erasure, the audit log."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from sqlmodel import col, select

from bot import counsellors
from bot.actors import Actor
from bot.console import words
from bot.console.caseload import fold
from bot.console.context import Console
from bot.console.deps import (
    AdminDep,
    ConsoleDep,
    FormText,
    PostingAdminDep,
    QueryText,
    ServicesDep,
    parse_id,
)
from bot.console.security import ConsoleRoute
from bot.console.session import Staff
from bot.counsellors import AccountRefused, NewAccount
from bot.services import Services
from storage.audit import audit_page
from storage.counsellors import account_by_login, get_counsellor
from storage.enums import Role
from storage.models import Assignment, Counsellor, Person
from storage.persons import get_person_by_code

router = APIRouter(prefix="/console/admin", route_class=ConsoleRoute, include_in_schema=False)
NOTICES = {
    "disabled": words.ACCOUNT_DISABLED,
    "assigned": words.ASSIGNED,
    "unassigned": words.UNASSIGNED,
    "unchanged": words.NOTHING_CHANGED,
    "erased": words.ERASED,
}
MAX_PERSONS = 200


def _accounts_page(
    services: Services,
    console: Console,
    staff: Staff,
    *,
    created: NewAccount | None = None,
    error: str = "",
    form: dict[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    return console.pages.render(
        "admin_accounts.html",
        status_code=status_code,
        staff=staff,
        accounts=counsellors.accounts(services),
        created=created,
        error=error,
        notice=notice,
        form=form or {"login": "", "name": "", "role": "cpip"},
    )


@router.get("/accounts")
def accounts(
    services: ServicesDep, console: ConsoleDep, staff: AdminDep, notice: QueryText = ""
) -> Response:
    return _accounts_page(services, console, staff, notice=NOTICES.get(notice, ""))


@router.post("/accounts")
def add_account(
    services: ServicesDep,
    console: ConsoleDep,
    staff: PostingAdminDep,
    login: FormText = "",
    name: FormText = "",
    role: FormText = "cpip",
    password: FormText = "",
) -> Response:
    """Create an account; a drawn password is shown once, on this page."""
    role = role if role in {r.value for r in Role} else Role.CPIP.value
    with services.read() as tx:
        me = get_counsellor(tx.session, staff.counsellor_id)
        facility = me.facility_id if me is not None else None
    try:
        created = counsellors.add_account(
            services,
            login,
            name,
            role,
            password or None,
            facility_id=facility,
            by=Actor.counsellor(staff.counsellor_id),
        )
    except AccountRefused as refused:
        form = {"login": login[:63], "name": name[:200], "role": role}
        error = words.ACCOUNT_REFUSALS[refused.reason]
        return _accounts_page(services, console, staff, error=error, form=form, status_code=422)
    return _accounts_page(services, console, staff, created=created, notice=words.ACCOUNT_ADDED)


@router.post("/accounts/{counsellor_id}/disable")
def disable(services: ServicesDep, staff: PostingAdminDep, counsellor_id: str) -> Response:
    wanted = parse_id(counsellor_id)
    with services.read() as tx:
        account = get_counsellor(tx.session, wanted) if wanted is not None else None
    if account is None or wanted == staff.counsellor_id:
        return RedirectResponse("/console/admin/accounts?notice=unchanged", 303)
    changed = counsellors.disable_account(
        services, account.login, by=Actor.counsellor(staff.counsellor_id)
    )
    notice = "disabled" if changed else "unchanged"
    return RedirectResponse(f"/console/admin/accounts?notice={notice}", 303)


@router.get("/persons")
def persons(
    services: ServicesDep,
    console: ConsoleDep,
    staff: AdminDep,
    find: QueryText = "",
    notice: QueryText = "",
) -> Response:
    """The persons (code, name, who follows them): what an administrator needs to
    assign them, nothing of their conversation."""
    wanted = fold(find.strip()[:100])
    with services.read() as tx:
        people = tx.session.exec(
            select(Person).where(col(Person.erased_at).is_(None)).order_by(col(Person.last_name))
        ).all()
        followers: dict[int, list[str]] = {}
        for assignment, login in tx.session.exec(
            select(Assignment, Counsellor.login).join(
                Counsellor, col(Counsellor.id) == col(Assignment.counsellor_id)
            )
        ).all():
            followers.setdefault(assignment.person_id, []).append(login)
    shown = [
        {
            "id": p.id,
            "code": p.code,
            "first_name": p.first_name,
            "last_name": p.last_name,
            "followers": sorted(followers.get(p.id or 0, [])),
        }
        for p in people
        if not wanted
        or wanted in fold(p.code)
        or wanted in fold(f"{p.first_name} {p.last_name}")
        or wanted in fold(f"{p.last_name} {p.first_name}")
    ]
    return console.pages.render(
        "admin_persons.html",
        staff=staff,
        persons=shown[:MAX_PERSONS],
        find=find[:100],
        notice=NOTICES.get(notice, ""),
    )


@router.post("/assignments")
def assignment(
    services: ServicesDep,
    console: ConsoleDep,
    staff: PostingAdminDep,
    login: FormText = "",
    code: FormText = "",
    action: FormText = "assign",
) -> Response:
    remove = action == "remove"
    try:
        changed = counsellors.assign_person(
            services, login, code, remove=remove, by=Actor.counsellor(staff.counsellor_id)
        )
    except AccountRefused as refused:
        return console.pages.render(
            "problem.html",
            status_code=422,
            staff=staff,
            message=words.ACCOUNT_REFUSALS[refused.reason],
            back="/console/admin/persons",
        )
    notice = ("unassigned" if remove else "assigned") if changed else "unchanged"
    return RedirectResponse(f"/console/admin/persons?notice={notice}", 303)


@router.get("/audit")
def audit(
    services: ServicesDep,
    console: ConsoleDep,
    staff: AdminDep,
    person: QueryText = "",
    actor: QueryText = "",
    action: QueryText = "",
    before: QueryText = "",
) -> Response:
    """The audit log, latest first, by person code, account login or action."""
    size = services.settings.console_page_size
    filters = {"person": person[:16], "actor": actor[:63], "action": action[:64]}
    unknown = False
    with services.read() as tx:
        person_id = actor_id = None
        if filters["person"]:
            found = get_person_by_code(tx.session, filters["person"])
            person_id = found.id if found is not None else None
            unknown = unknown or found is None
        if filters["actor"]:
            account = account_by_login(tx.session, filters["actor"].strip().lower())
            actor_id = str(account.id) if account is not None else None
            unknown = unknown or account is None
        events = (
            []
            if unknown
            else audit_page(
                tx.session,
                limit=size + 1,
                before=parse_id(before),
                person_id=person_id,
                actor_id=actor_id,
                action=filters["action"] or None,
            )
        )
        logins = {str(c.id): c.login for c in tx.session.exec(select(Counsellor)).all()}
        ids = {e.person_id for e in events if e.person_id is not None}
        codes = {
            p.id: p.code
            for p in tx.session.exec(select(Person).where(col(Person.id).in_(ids))).all()
        }
    return console.pages.render(
        "admin_audit.html",
        staff=staff,
        events=events[:size],
        more=len(events) > size,
        filters=filters,
        unknown=unknown,
        logins=logins,
        codes=codes,
    )
