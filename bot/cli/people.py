"""`filrouge person ...`: add a person, give a link code and its release sheet, release."""

from __future__ import annotations

import argparse
import secrets
import sys
from typing import TYPE_CHECKING

from bot.linking import ALPHABET
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.services import Services
    from storage.models import Person


def person_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import compose
    from storage.database import write_transaction
    from storage.errors import AlreadyTaken
    from storage.persons import create_facility, create_person, get_facility_by_code
    from storage.rows import id_of

    pin = args.pin or "".join(secrets.choice("0123456789") for _ in range(4))
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        print("filrouge: the PIN is 4 to 8 digits.", file=sys.stderr)
        return 2
    # The link codes' alphabet: no 0/O, 1/I, easy to read aloud and to type.
    code = (args.code or "".join(secrets.choice(ALPHABET) for _ in range(6))).upper()
    services = compose(settings)
    try:
        with write_transaction(services.engine) as session:
            facility = get_facility_by_code(session, args.facility) or create_facility(
                session, args.facility, args.facility
            )
            create_person(
                session,
                id_of(facility),
                code,
                args.first_name,
                args.last_name,
                args.language,
                services.hasher.hash(pin),
            )
    except AlreadyTaken:
        print(f"filrouge: the code {code} is already used; choose another.", file=sys.stderr)
        return 1
    print(f"Person created. Kiosk code: {code}  PIN: {pin}")
    return 0


def _find_person(settings: Settings, code: str) -> tuple[Services, Person] | None:
    """Services and the person with this code, or None after saying so."""
    from bot.app import compose
    from storage.database import read_session
    from storage.persons import get_person_by_code

    services = compose(settings)
    with read_session(services.engine) as session:
        person = get_person_by_code(session, code)
    if person is None:
        services.close()
        print(
            f"filrouge: no person has the code {code.upper()}; check it "
            "(`filrouge person add` printed it).",
            file=sys.stderr,
        )
        return None
    return services, person


def person_link_code(settings: Settings, args: argparse.Namespace) -> int:
    from bot.authoring.release_sheet import render_release_sheet, sheet_path
    from bot.linking import issue
    from storage.rows import id_of

    found = _find_person(settings, args.code)
    if found is None:
        return 1
    services, person = found
    try:
        issued = issue(services, id_of(person))
        translator = services.catalogs.get(str(person.language))  # the person reads it
        html = render_release_sheet(translator, f"{person.first_name} {person.last_name}", issued)
    finally:
        services.close()
    args.out.mkdir(parents=True, exist_ok=True)
    path = sheet_path(args.out, person.code)
    path.write_text(html, encoding="utf-8")
    print(f"Telegram link code for {person.code}: {issued.shown}")
    print(f"Valid until: {translator.when(issued.expires_at)} ({settings.timezone})")
    print(f"Link: {issued.deep_link}")
    print(f"Release sheet: {path}")
    print("Any previous code of this person no longer works.")
    return 0


def person_release(settings: Settings, args: argparse.Namespace) -> int:
    from bot.release import release
    from storage.rows import id_of

    found = _find_person(settings, args.code)
    if found is None:
        return 1
    services, person = found
    try:
        done = release(services, id_of(person))
        when = services.catalogs.get("fr").when(done.released_at)
    finally:
        services.close()
    if done.newly:
        print(f"{person.code} is marked released ({when}); their conversation was told.")
    else:
        print(f"{person.code} was already released ({when}); nothing changed.")
    return 0
