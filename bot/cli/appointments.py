"""`filrouge appointment add | list | show | move | cancel | done | missed`: a counsellor's
appointments from the command line, until the console. Only `bot.appointments` is called:
what is checked and told to the person is the same from both."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.appointments import AppointmentView
    from bot.services import Services

_AT = "YYYY-MM-DD HH:MM"


def add_commands(commands: Any) -> None:
    """Register `filrouge appointment ...` on the command line's subparsers."""
    appointment = commands.add_parser(
        "appointment", help="appointments and their reminders (times in Europe/Paris)"
    ).add_subparsers(required=True, metavar="ACTION")

    add = appointment.add_parser("add", help="give a person an appointment; they are told")
    add.add_argument("code", metavar="PERSONCODE", help="the person's kiosk code")
    add.add_argument("--at", required=True, metavar=f'"{_AT}"', help="Europe/Paris time")
    add.add_argument("--kind", required=True, help="spip, jap, health, france_travail, ...")
    add.add_argument("--place", required=True, help="where (a name: « SPIP d'Arras »)")
    add.add_argument("--address", default="")
    add.add_argument("--directions", default="", help="how to get there (bus, stop, entrance)")
    add.add_argument("--with", dest="with_whom", default="", help="with whom")
    add.add_argument("--bring", default="", help="what to bring")
    add.add_argument("--duration", type=int, metavar="MINUTES", help="if known")
    add.add_argument("--inside", action="store_true", help="inside the facility")
    add.add_argument("--by", metavar="LOGIN", help="the counsellor entering it")
    add.set_defaults(handler=appointment_add)

    listed = appointment.add_parser("list", help="a person's appointments (or everyone's)")
    listed.add_argument("code", nargs="?", metavar="PERSONCODE")
    listed.add_argument("--all", action="store_true", help="past ones too")
    listed.set_defaults(handler=appointment_list)

    show = appointment.add_parser("show", help="one appointment, its history and reminders")
    show.add_argument("id", type=int, metavar="ID")
    show.set_defaults(handler=appointment_show)

    move = appointment.add_parser("move", help="a new time; the person is told")
    move.add_argument("id", type=int, metavar="ID")
    move.add_argument("--at", required=True, metavar=f'"{_AT}"', help="Europe/Paris time")
    move.add_argument("--by", metavar="LOGIN")
    move.set_defaults(handler=appointment_move)

    cancel = appointment.add_parser("cancel", help="no more reminders; the person is told")
    cancel.add_argument("id", type=int, metavar="ID")
    cancel.add_argument("--note", default="", help="why (kept in the history)")
    cancel.add_argument("--by", metavar="LOGIN")
    cancel.set_defaults(handler=appointment_cancel)

    for name, said in (("done", "the person went"), ("missed", "the person did not go")):
        closing = appointment.add_parser(name, help=said)
        closing.add_argument("id", type=int, metavar="ID")
        closing.add_argument("--by", metavar="LOGIN")
        closing.set_defaults(handler=appointment_close, closing=name)


def appointment_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot import appointments
    from bot.appointments import Details

    def work(services: Services) -> AppointmentView:
        person_id = _person_id(services, args.code)
        kind = appointments.check_kind(args.kind)
        now = services.clock.now()
        start = appointments.local_start(args.at, now, settings.timezone)
        details = Details(
            place=args.place,
            address=args.address,
            directions=args.directions,
            with_whom=args.with_whom,
            bring=args.bring,
            inside=args.inside,
            duration_minutes=args.duration,
        )
        return appointments.add(services, person_id, kind, start, details, by=args.by)

    return _run(settings, work, "Appointment added; the person is told.")


def appointment_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot import appointments

    def work(services: Services) -> list[AppointmentView]:
        if args.code is None:
            return appointments.upcoming(services)
        person_id = _person_id(services, args.code)
        return appointments.list_of(services, person_id, include_past=args.all)

    return _run(settings, work, None)


def appointment_show(settings: Settings, args: argparse.Namespace) -> int:
    from bot import appointments

    return _run(settings, lambda services: appointments.get(services, args.id), None, full=True)


def appointment_move(settings: Settings, args: argparse.Namespace) -> int:
    from bot import appointments

    def work(services: Services) -> AppointmentView:
        start = appointments.local_start(args.at, services.clock.now(), settings.timezone)
        return appointments.move(services, args.id, start, by=args.by)

    return _run(settings, work, "Appointment moved; the person is told.")


def appointment_cancel(settings: Settings, args: argparse.Namespace) -> int:
    from bot import appointments

    def work(services: Services) -> AppointmentView:
        return appointments.cancel(services, args.id, by=args.by, note=args.note)

    return _run(settings, work, "Appointment cancelled; the person is told if it was to come.")


def appointment_close(settings: Settings, args: argparse.Namespace) -> int:
    from bot import appointments

    def work(services: Services) -> AppointmentView:
        if args.closing == "done":
            return appointments.mark_done(services, args.id, by=args.by)
        return appointments.mark_missed(services, args.id, by=args.by)

    return _run(settings, work, f"Appointment marked {args.closing}.")


def _run(settings: Settings, work: Any, said: str | None, *, full: bool = False) -> int:
    from bot.app import compose
    from bot.appointments import Refused

    services = compose(settings)
    try:
        found = work(services)
    except Refused as refused:
        print(f"filrouge: {refused}", file=sys.stderr)
        # 1: nothing to act on (no such person or appointment, or it is closed); 2: bad input.
        return 1 if refused.reason in ("unknown_person", "unknown_appointment", "closed") else 2
    finally:
        services.close()
    if said:
        print(said)
    shown = found if isinstance(found, list) else [found]
    if not shown:
        print("No appointment.")
    for view in shown:
        print(_line(view, settings.timezone))
        if full or said:
            print(_details(view, settings.timezone))
    return 0


def _person_id(services: Services, code: str) -> int:
    from bot.appointments import Refused
    from storage.persons import get_person_by_code
    from storage.rows import id_of

    with services.read() as tx:
        person = get_person_by_code(tx.session, code)
    if person is None:
        raise Refused(
            "unknown_person",
            f"no person has the code {code.upper()}; check it (`filrouge person add` printed it)",
        )
    return id_of(person)


def _local(moment: Any, timezone: str) -> str:
    from zoneinfo import ZoneInfo

    return str(moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M"))


def _line(view: AppointmentView, timezone: str) -> str:
    where = ", ".join(part for part in (view.place, view.address) if part)
    return (
        f"#{view.id}  {_local(view.start, timezone)}  {view.kind:<14} {view.status:<11} "
        f"{view.person_code}  {where}"
    )


def _details(view: AppointmentView, timezone: str) -> str:
    lines = []
    for label, value in (
        ("how to get there", view.directions),
        ("with", view.with_whom),
        ("bring", view.bring),
        ("duration", f"{view.duration_minutes} min" if view.duration_minutes else ""),
        ("inside the facility", "yes" if view.inside else ""),
        ("entered by", f"{view.origin}" + (f" ({view.created_by})" if view.created_by else "")),
    ):
        if value:
            lines.append(f"    {label}: {value}")
    lines.append("    history:")
    for change in view.changes:
        who = change.actor_kind + (f" {change.actor_id}" if change.actor_id else "")
        note = f" — {change.note}" if change.note else ""
        lines.append(
            f"      {_local(change.at, timezone)}  {change.status:<11} "
            f"(at {_local(change.start, timezone)}) by {who}{note}"
        )
    lines.append("    reminders:")
    for reminder in view.reminders:
        outcome = reminder.outcome or "to send"
        detail = f" ({reminder.detail})" if reminder.detail else ""
        lines.append(
            f"      {reminder.label:<9} {_local(reminder.due_at, timezone)}  {outcome}{detail}"
        )
    return "\n".join(lines)
