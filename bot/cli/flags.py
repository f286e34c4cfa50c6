"""`filrouge flags [--open] [--person CODE]` and `filrouge flags done ID --by LOGIN`: what
counsellors must look at, until the console shows it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.settings import Settings


def add_commands(commands: Any) -> None:
    """Register `filrouge flags ...` on the command line's subparsers."""
    flags = commands.add_parser(
        "flags", help="what counsellors must look at (asked for help, cannot come, missed...)"
    )
    flags.add_argument("--open", action="store_true", help="only those nobody dealt with")
    flags.add_argument("--person", metavar="PERSONCODE", help="one person's")
    flags.set_defaults(handler=flags_list)
    actions = flags.add_subparsers(required=False, metavar="ACTION")
    done = actions.add_parser("done", help="mark a flag dealt with")
    done.add_argument("id", type=int, metavar="ID")
    done.add_argument("--by", required=True, metavar="LOGIN", help="who dealt with it")
    done.set_defaults(handler=flags_done)


def flags_list(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import compose
    from bot.flags import list_flags
    from storage.persons import get_person_by_code

    services = compose(settings)
    try:
        person_id = None
        if args.person:
            with services.read() as tx:
                person = get_person_by_code(tx.session, args.person)
            if person is None:
                print(f"filrouge: no person has the code {args.person.upper()}", file=sys.stderr)
                return 1
            person_id = person.id
        found = list_flags(services, open_only=args.open, person_id=person_id)
    finally:
        services.close()
    if not found:
        print("No open flag." if args.open else "No flag.")
    for flag in found:
        print(line(flag, settings.timezone))
    return 0


def flags_done(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import compose
    from bot.flags import deal_with
    from storage.errors import NotFound

    services = compose(settings)
    try:
        flag = deal_with(services, args.id, by=args.by)
    except NotFound:
        print(f"filrouge: no flag {args.id} (`filrouge flags` lists them)", file=sys.stderr)
        return 1
    finally:
        services.close()
    print(line(flag, settings.timezone))
    return 0


def line(flag: Any, timezone: str) -> str:
    """One flag, on one line: number, state, when, who, why, and what was said."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone)
    when = flag.last_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    state = "open" if flag.dealt_at is None else f"dealt with by {flag.dealt_by}"
    times = f" (x{flag.times})" if flag.times > 1 else ""
    about = f" appointment {flag.appointment_id}" if flag.appointment_id else ""
    detail = ", ".join(f"{k}={v}" for k, v in sorted(flag.detail.items()) if v not in ("", None))
    return (
        f"#{flag.id}  {when}  {state:<8}  {flag.person_code} {flag.person_name}  "
        f"{flag.reason}{times}{about}  {detail}"
    ).rstrip()
