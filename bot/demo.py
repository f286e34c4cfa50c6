"""Demo data: a facility, two persons and one counsellor, created when the
database is empty so that `filrouge serve --demo` can be tried at once.

The names say what they are: there are no real or invented people here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from bot.services import Services
from storage.counsellors import assign, create_counsellor, set_default_counsellor
from storage.models import Facility
from storage.persons import create_facility, create_person, get_person_by_code
from storage.rows import id_of


@dataclass(frozen=True)
class DemoAccount:
    who: str
    login: str
    secret: str
    language: str


DEMO_PERSONS = (
    DemoAccount("Démo A", "DEMO01", "1234", "fr"),
    DemoAccount("Démo B", "DEMO02", "5678", "ar"),
)
DEMO_COUNSELLOR = DemoAccount("CPIP démo", "cpip.demo", "demo-cpip-2026", "fr")


def seed_demo(services: Services) -> bool:
    """Create the demo data if the database has no facility; return whether it did."""
    with services.write() as tx:
        session = tx.session
        if session.exec(select(Facility)).first() is not None:
            return False
        facility = create_facility(session, "demo", "InSERRE démo")
        counsellor = create_counsellor(
            session,
            id_of(facility),
            DEMO_COUNSELLOR.login,
            DEMO_COUNSELLOR.who,
            services.hasher.hash(DEMO_COUNSELLOR.secret),
            "cpip",
        )
        set_default_counsellor(session, counsellor)
        for account in DEMO_PERSONS:
            first, last = account.who.split(" ", 1)
            person = create_person(
                session,
                id_of(facility),
                account.login,
                first,
                last,
                account.language,
                services.hasher.hash(account.secret),
            )
            assign(session, id_of(counsellor), id_of(person))
    return True


def demo_present(services: Services) -> bool:
    """Whether the demo persons are in the database (their logins can be printed)."""
    with services.read() as tx:
        return all(get_person_by_code(tx.session, a.login) for a in DEMO_PERSONS)
