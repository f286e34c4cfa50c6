"""`filrouge counsellor ...` (accounts of the console) and `filrouge purge` (retention)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.services import Services


def _services(settings: Settings) -> Services:
    from bot.app import compose

    return compose(settings)


def counsellor_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.counsellors import AccountRefused, add_account

    services = _services(settings)
    try:
        new = add_account(
            services,
            args.login,
            args.name,
            args.role,
            args.password,
            facility_code=args.facility,
        )
    except AccountRefused as refused:
        print(f"filrouge: {refused}.", file=sys.stderr)
        return 1
    finally:
        services.close()
    print(f"Account {new.login} created ({args.role}).")
    if new.generated:
        print(f"Password (shown once, give it to its owner): {new.password}")
    return 0


def counsellor_list(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.counsellors import accounts

    services = _services(settings)
    try:
        lines = accounts(services)
    finally:
        services.close()
    if not lines:
        print("No account yet: `filrouge counsellor add LOGIN --name NAME`.")
        return 0
    width = max(len(line.login) for line in lines)
    for line in lines:
        state = f"disabled {line.disabled_at:%Y-%m-%d}" if line.disabled_at else "active"
        print(
            f"{line.login:<{width}}  {line.role:<7}  {line.follows:>3} persons  {state:<19}  {line.name}"
        )
    return 0


def counsellor_deactivate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.counsellors import AccountRefused, disable_account

    services = _services(settings)
    try:
        changed = disable_account(services, args.login)
    except AccountRefused as refused:
        print(f"filrouge: {refused}.", file=sys.stderr)
        return 1
    finally:
        services.close()
    if changed:
        print(f"Account {args.login} disabled; its console sessions are ended.")
    else:
        print(f"Account {args.login} was already disabled.")
    return 0


def counsellor_assign(settings: Settings, args: argparse.Namespace) -> int:
    from bot.counsellors import AccountRefused, assign_person

    services = _services(settings)
    try:
        for code in args.codes:
            changed = assign_person(services, args.login, code, remove=args.remove)
            verb = "no longer follows" if args.remove else "follows"
            print(f"{args.login} {verb} {code.upper()}{'' if changed else ' (unchanged)'}.")
    except AccountRefused as refused:
        print(f"filrouge: {refused}.", file=sys.stderr)
        return 1
    finally:
        services.close()
    return 0


def purge(settings: Settings, args: argparse.Namespace) -> int:
    from bot import rights

    services = _services(settings)
    try:
        due = rights.purge(services, dry_run=args.dry_run)
    finally:
        services.close()
    months = settings.retention_months
    if not due:
        print(f"Nothing to purge: no follow-up ended more than {months} months ago.")
        return 0
    verb = "Would erase" if args.dry_run else "Erased"
    print(f"{verb} {len(due)} person(s) whose follow-up ended more than {months} months ago:")
    for found in due:
        print(f"  {found.code}  follow-up ended {found.followup_ended_at:%Y-%m-%d}")
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `counsellor` and `purge` commands of the `filrouge` parser."""
    counsellor = commands.add_parser("counsellor", help="console accounts").add_subparsers(
        required=True
    )
    add = counsellor.add_parser("add", help="create an account (a password is drawn if none)")
    add.add_argument("login")
    add.add_argument("--name", required=True, help='first and last name, "Prénom Nom"')
    add.add_argument("--role", default="cpip", choices=["cpip", "partner", "admin"])
    add.add_argument("--password", help="at least 12 characters (default: drawn and printed)")
    add.add_argument("--facility", default="demo", help="facility code")
    add.set_defaults(handler=counsellor_add)
    listed = counsellor.add_parser("list", help="every account, with how many persons it follows")
    listed.set_defaults(handler=counsellor_list)
    off = counsellor.add_parser("deactivate", help="disable an account and end its sessions")
    off.add_argument("login")
    off.set_defaults(handler=counsellor_deactivate)
    assign = counsellor.add_parser("assign", help="let an account follow persons")
    assign.add_argument("login")
    assign.add_argument("codes", nargs="+", metavar="PERSONCODE")
    assign.add_argument("--remove", action="store_true", help="no longer follow them")
    assign.set_defaults(handler=counsellor_assign)

    purged = commands.add_parser(
        "purge", help="erase the persons whose follow-up ended FILROUGE_RETENTION_MONTHS ago"
    )
    purged.add_argument("--dry-run", action="store_true", help="only list who would be erased")
    purged.set_defaults(handler=purge)
