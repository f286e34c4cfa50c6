"""`filrouge person ...` and `filrouge facility ...`: persons and the facilities they are in.

Every command says what it did, on one or a few lines; bad input gets one clear
sentence on stderr and a non-zero exit status (1: not found or refused, 2: a wrong
argument). Nothing here prints a conversation: `person show` gives a person's
situation, never their transcript.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.linking import ALPHABET
from bot.settings import Settings

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.services import Services
    from storage.models import Counsellor, Facility, Person

SHEETS_DIR = Path("release-sheets")
"""Where release sheets go by default: a folder of their own (they hold a link code and
a name), never among the code; `.gitignore` keeps it out of the repository."""


class Refused(Exception):
    """Bad input: the sentence that says what is wrong and how to fix it."""

    def __init__(self, sentence: str, status: int = 1) -> None:
        super().__init__(sentence)
        self.status = status


PIN_DIGITS = 6
"""A drawn PIN's length: 10⁶ guesses, each slowed after a few wrong ones (bot/kiosk/login)."""


def add_commands(commands: Any) -> None:
    """The `person` and `facility` commands, on the `filrouge` parser's subparsers."""
    person = commands.add_parser("person", help="persons").add_subparsers(
        required=True, metavar="ACTION"
    )
    add = person.add_parser("add", help="create a person with a kiosk code and PIN")
    add.add_argument("--first-name", required=True)
    add.add_argument("--last-name", required=True)
    add.add_argument("--language", default="fr", choices=["fr", "ar", "en", "ro"])
    add.add_argument("--code", help="personal code (default: drawn at random)")
    add.add_argument("--pin", help="4 to 8 digits (default: 6 drawn at random)")
    add.add_argument("--facility", default="demo", help="facility code (default: demo)")
    add.set_defaults(handler=_run(person_add))

    listed = person.add_parser("list", help="persons, by code (never their conversation)")
    listed.add_argument("--facility", metavar="CODE", help="only this facility's")
    state = listed.add_mutually_exclusive_group()
    state.add_argument("--released", action="store_true", help="only those released")
    state.add_argument("--inside", action="store_true", help="only those not released")
    listed.add_argument("--counsellor", metavar="LOGIN", help="only those this counsellor follows")
    listed.set_defaults(handler=_run(person_list))

    for name, helped, handler in (
        ("show", "a person's situation (never the transcript)", person_show),
        ("reset-pin", "give a person a new kiosk PIN (printed); unlocks too", person_reset_pin),
        ("unlock", "let a person locked out by wrong PINs try again now", person_unlock),
        ("release", "mark a person released (they go outside)", person_release),
    ):
        command = person.add_parser(name, help=helped)
        command.add_argument("code", metavar="PERSONCODE", help="the person's kiosk code")
        if name == "reset-pin":
            command.add_argument("--pin", help="4 to 8 digits (default: 6 drawn at random)")
        command.set_defaults(handler=_run(handler))

    assigned = person.add_parser("assign", help="a counsellor follows this person")
    assigned.add_argument("code", metavar="PERSONCODE", help="the person's kiosk code")
    assigned.add_argument("--counsellor", required=True, metavar="LOGIN")
    assigned.set_defaults(handler=_run(person_assign))

    link_code = person.add_parser(
        "link-code", help="give a person a Telegram link code and write their release sheet"
    )
    link_code.add_argument("code", metavar="PERSONCODE", help="the person's kiosk code")
    link_code.add_argument(
        "--out",
        type=Path,
        default=SHEETS_DIR,
        help=f"folder of the release sheet (default: ./{SHEETS_DIR}/)",
    )
    link_code.set_defaults(handler=_run(person_link_code))

    facility = commands.add_parser("facility", help="facilities").add_subparsers(
        required=True, metavar="ACTION"
    )
    facility.add_parser("list", help="the facilities and their default counsellor").set_defaults(
        handler=_run(facility_list)
    )
    created = facility.add_parser("add", help="create a facility")
    created.add_argument("code", metavar="CODE", help="short code, such as 'demo' or 'lille'")
    created.add_argument("--name", required=True, help="its full name")
    created.set_defaults(handler=_run(facility_add))
    default = facility.add_parser(
        "default-counsellor", help="new persons of the facility are assigned to this counsellor"
    )
    default.add_argument("code", metavar="CODE", help="the facility's code")
    default.add_argument("--counsellor", required=True, metavar="LOGIN")
    default.set_defaults(handler=_run(facility_default_counsellor))


Handler = Callable[["Services", argparse.Namespace], str]


def _run(handler: Handler) -> Callable[[Settings, argparse.Namespace], int]:
    """A command: its services built and closed, its sentence printed, `Refused` said."""

    def run(settings: Settings, args: argparse.Namespace) -> int:
        from bot.app import compose

        args.settings = settings
        services = compose(settings)
        try:
            print(handler(services, args))
        except Refused as refused:
            print(f"filrouge: {refused}", file=sys.stderr)
            return refused.status
        finally:
            services.close()
        return 0

    return run


@contextmanager
def _writing(services: Services) -> Iterator[Session]:
    with services.write() as tx:
        yield tx.session


def _person(session: Session, code: str) -> Person:
    from storage.persons import get_person_by_code

    person = get_person_by_code(session, code)
    if person is None:
        raise Refused(
            f"no person has the code {code.strip().upper()}; check it "
            "(`filrouge person list` shows every code)."
        )
    return person


def _facility(session: Session, code: str) -> Facility:
    from storage.persons import facilities, get_facility_by_code

    facility = get_facility_by_code(session, code.strip())
    if facility is None:
        known = ", ".join(f.code for f in facilities(session)) or "none yet"
        raise Refused(
            f"there is no facility {code!r} (known: {known}); "
            "create it with `filrouge facility add CODE --name NAME`."
        )
    return facility


def _counsellor(session: Session, login: str) -> Counsellor:
    from storage.counsellors import find_counsellor

    counsellor = find_counsellor(session, login.strip())
    if counsellor is None:
        raise Refused(f"no active counsellor has the login {login.strip()!r}.")
    return counsellor


def _new_pin(given: str | None) -> str:
    pin = (
        given
        if given is not None
        else "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))
    )
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise Refused("the PIN is 4 to 8 digits.", status=2)
    return pin


# --- persons ---------------------------------------------------------------------------


def person_add(services: Services, args: argparse.Namespace) -> str:
    from storage.counsellors import assign, default_counsellor
    from storage.errors import AlreadyTaken
    from storage.persons import create_person
    from storage.rows import id_of

    first, last = args.first_name.strip(), args.last_name.strip()
    if not first or not last:
        raise Refused("a person needs a first name and a last name (the kiosk greets them).", 2)
    pin = _new_pin(args.pin)
    # The link codes' alphabet: no 0/O, 1/I, easy to read aloud and to type.
    code = (args.code or "".join(secrets.choice(ALPHABET) for _ in range(6))).strip().upper()
    if not code.isalnum() or len(code) > 16:
        raise Refused("a personal code is 1 to 16 letters and digits.", 2)
    try:
        with _writing(services) as session:
            facility = _facility(session, args.facility)
            person = create_person(
                session,
                id_of(facility),
                code,
                first,
                last,
                args.language,
                services.hasher.hash(pin),
            )
            counsellor = default_counsellor(session, id_of(facility))
            if counsellor is not None:
                assign(session, id_of(counsellor), id_of(person))
            who = counsellor.login if counsellor else None
    except AlreadyTaken as error:
        raise Refused(f"the code {code} is already used; choose another.") from error
    followed = (
        f"Followed by {who} (the default counsellor of {args.facility})."
        if who
        else f"No counsellor follows them yet: `filrouge person assign {code} --counsellor LOGIN`."
    )
    return f"Person created. Kiosk code: {code}  PIN: {pin}\n{followed}"


def person_list(services: Services, args: argparse.Namespace) -> str:
    from storage.counsellors import counsellors_of
    from storage.persons import facilities, find_persons
    from storage.rows import id_of

    with services.read() as tx:
        session = tx.session
        facility = _facility(session, args.facility) if args.facility else None
        counsellor = _counsellor(session, args.counsellor) if args.counsellor else None
        released = True if args.released else False if args.inside else None
        found = find_persons(
            session,
            facility_id=id_of(facility) if facility else None,
            released=released,
            counsellor_id=id_of(counsellor) if counsellor else None,
        )
        codes = {f.id: f.code for f in facilities(session)}
        rows = [
            (
                p.code,
                f"{p.first_name} {p.last_name}",
                codes.get(p.facility_id, "?"),
                str(p.language),
                "released" if p.released_at else "inside",
                ", ".join(c.login for c in counsellors_of(session, id_of(p))) or "-",
            )
            for p in found
        ]
    if not rows:
        return "No person matches."
    header = ("CODE", "NAME", "FACILITY", "LANG", "SITUATION", "COUNSELLOR")
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in (header, *rows)]  # fmt: skip
    lines.append(f"{len(rows)} person(s).")
    return "\n".join(lines)


def person_show(services: Services, args: argparse.Namespace) -> str:
    from bot.kiosk.login import code_waits_until
    from storage.counsellors import counsellors_of
    from storage.enums import Channel
    from storage.models import Facility
    from storage.persons import identities_of
    from storage.rows import id_of

    with services.read() as tx:
        session = tx.session
        person = _person(session, args.code)
        facility = session.get(Facility, person.facility_id)
        identities = identities_of(session, id_of(person))
        kiosk = next((i for i in identities if i.channel == Channel.KIOSK), None)
        phones = [i for i in identities if i.channel == Channel.TELEGRAM]
        followers = counsellors_of(session, id_of(person))
        french = services.catalogs.get("fr")
        waits_until = code_waits_until(services, person.code) if kiosk else None
        if kiosk is None:
            lock = "no kiosk login"
        elif waits_until is not None:
            lock = (
                f"wrong PINs: the next try waits until {french.when(waits_until)} "
                f"(`filrouge person unlock {person.code}` lifts it)"
            )
        else:
            lock = "can log in now"
        situation = (
            f"released on {french.when(person.released_at)}" if person.released_at else "inside"
        )
        if person.unreachable_at:
            situation += ", unreachable on Telegram (the bot was blocked)"
        lines = [
            f"{person.code}: {person.first_name} {person.last_name}",
            f"  Facility:    {facility.code if facility else '?'} ({facility.name if facility else ''})",
            f"  Situation:   {situation}",
            f"  Language:    {person.language}",
            f"  Channels:    kiosk{', Telegram (linked)' if phones else ''}"
            + ("" if phones else " only (no phone linked: `filrouge person link-code`)"),
            f"  Kiosk login: {lock}",
            "  Counsellor:  "
            + (", ".join(f"{c.login} ({c.display_name})" for c in followers) or "none"),
        ]
    return "\n".join(lines)


def person_reset_pin(services: Services, args: argparse.Namespace) -> str:
    from bot.kiosk.login import unlock
    from storage.audit import record_audit
    from storage.enums import Channel
    from storage.persons import find_identity

    pin = _new_pin(args.pin)
    with services.write() as tx:
        person = _person(tx.session, args.code)
        identity = find_identity(tx.session, Channel.KIOSK, person.code)
        if identity is None:
            raise Refused(f"{person.code} has no kiosk login to reset.")
        identity.secret_hash = services.hasher.hash(pin)
        tx.session.add(identity)
        record_audit(
            tx.session,
            actor_kind="system",
            actor_id="cli",
            action="kiosk_pin_reset",
            person_id=person.id,
            now=tx.now,
        )
    unlock(services, person.code, person.id or 0, actor_kind="system", actor_id="cli")
    return f"New PIN for {person.code}: {pin}  (the old one no longer works; no wait)"


def person_unlock(services: Services, args: argparse.Namespace) -> str:
    from bot.kiosk.login import code_waits_until, unlock
    from storage.enums import Channel
    from storage.persons import find_identity

    with services.read() as tx:
        person = _person(tx.session, args.code)
        if find_identity(tx.session, Channel.KIOSK, person.code) is None:
            raise Refused(f"{person.code} has no kiosk login.")
    was_waiting = code_waits_until(services, person.code) is not None
    unlock(services, person.code, person.id or 0, actor_kind="system", actor_id="cli")
    if was_waiting:
        return f"{person.code} can log in at the kiosk now: the waits after wrong PINs are lifted."
    return f"{person.code} had no wait to lift; their count of wrong PINs is back to zero."


def person_assign(services: Services, args: argparse.Namespace) -> str:
    from storage.counsellors import assign, counsellors_of, is_assigned
    from storage.rows import id_of

    with services.write() as tx:
        person = _person(tx.session, args.code)
        counsellor = _counsellor(tx.session, args.counsellor)
        already = is_assigned(tx.session, id_of(counsellor), id_of(person))
        assign(tx.session, id_of(counsellor), id_of(person))
        everyone = [c.login for c in counsellors_of(tx.session, id_of(person))]
    if already:
        return f"{counsellor.login} already follows {person.code}; nothing changed."
    others = [login for login in everyone if login != counsellor.login]
    also = f" (also followed by {', '.join(others)})" if others else ""
    return f"{counsellor.login} now follows {person.code}{also}."


def person_link_code(services: Services, args: argparse.Namespace) -> str:
    from bot.authoring.release_sheet import person_sheet, sheet_path
    from bot.linking import issue
    from storage.rows import id_of

    with services.read() as tx:
        person = _person(tx.session, args.code)
    issued = issue(services, id_of(person))
    translator = services.catalogs.get(str(person.language))  # the person reads it
    html = person_sheet(services, id_of(person), issued)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    path = sheet_path(out, person.code)
    path.write_text(html, encoding="utf-8")
    settings: Settings = args.settings
    lines = []
    if "telegram_bot_username" not in settings.model_fields_set:
        lines.append(
            f"Warning: FILROUGE_TELEGRAM_BOT_USERNAME is not set: the link and the QR code "
            f"point to @{settings.telegram_bot_username}, which may not be your bot. Set it "
            "and run this command again (the code below then no longer works)."
        )
    lines += [
        f"Telegram link code for {person.code}: {issued.shown}",
        f"Valid until: {translator.when(issued.expires_at)} ({settings.timezone})",
        f"Link: {issued.deep_link}",
        f"Release sheet: {path.resolve()}",
        "Any previous code of this person no longer works.",
    ]
    return "\n".join(lines)


def person_release(services: Services, args: argparse.Namespace) -> str:
    from bot.release import release
    from storage.rows import id_of

    with services.read() as tx:
        person = _person(tx.session, args.code)
    done = release(services, id_of(person))
    when = services.catalogs.get("fr").when(done.released_at)
    if done.newly:
        return f"{person.code} is marked released ({when}); their conversation was told."
    return f"{person.code} was already released ({when}); nothing changed."


# --- facilities ------------------------------------------------------------------------


def facility_list(services: Services, _args: argparse.Namespace) -> str:
    from storage.counsellors import default_counsellor
    from storage.persons import facilities
    from storage.rows import id_of

    with services.read() as tx:
        found = [
            (f.code, f.name, default_counsellor(tx.session, id_of(f)))
            for f in facilities(tx.session)
        ]
    if not found:
        return "No facility yet: `filrouge facility add CODE --name NAME`."
    return "\n".join(
        f"{code}  {name}  (default counsellor: {c.login if c else 'none'})"
        for code, name, c in found
    )


def facility_add(services: Services, args: argparse.Namespace) -> str:
    from storage.errors import AlreadyTaken
    from storage.persons import create_facility

    code, name = args.code.strip(), args.name.strip()
    if not code or not name or len(code) > 32:
        raise Refused("a facility needs a code (32 characters at most) and a name.", 2)
    try:
        with _writing(services) as session:
            create_facility(session, code, name)
    except AlreadyTaken as error:
        raise Refused(f"the facility {code!r} already exists.") from error
    return f"Facility {code} ({name}) created."


def facility_default_counsellor(services: Services, args: argparse.Namespace) -> str:
    from storage.counsellors import set_default_counsellor

    with _writing(services) as session:
        facility = _facility(session, args.code)
        counsellor = _counsellor(session, args.counsellor)
        if counsellor.facility_id != facility.id:
            raise Refused(f"{counsellor.login} works in another facility than {facility.code}.")
        set_default_counsellor(session, counsellor)
    return f"New persons of {facility.code} will be followed by {counsellor.login}."
