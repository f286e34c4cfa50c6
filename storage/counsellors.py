"""Counsellor accounts and their caseload (who follows whom)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage._savepoint import flush_in_savepoint
from storage.enums import Role
from storage.errors import AlreadyTaken
from storage.models import Assignment, Counsellor, Facility, Person


def create_counsellor(
    session: Session,
    facility_id: int,
    login: str,
    display_name: str,
    password_hash: str,
    role: Role | str,
) -> Counsellor:
    """Create an account; raises :class:`AlreadyTaken` if the login is used."""
    counsellor = Counsellor(
        facility_id=facility_id,
        login=login,
        display_name=display_name,
        password_hash=password_hash,
        role=Role(role),
    )
    try:
        flush_in_savepoint(session, [counsellor])
    except IntegrityError as exc:
        raise AlreadyTaken(f"login {login!r} is already used") from exc
    return counsellor


def find_counsellor(session: Session, login: str) -> Counsellor | None:
    """Return the enabled account with this login, or None."""
    query = select(Counsellor).where(
        Counsellor.login == login, col(Counsellor.disabled_at).is_(None)
    )
    return session.exec(query).first()


def assign(session: Session, counsellor_id: int, person_id: int) -> None:
    """Let a counsellor follow a person (idempotent)."""
    if session.get(Assignment, (counsellor_id, person_id)) is None:
        session.add(Assignment(counsellor_id=counsellor_id, person_id=person_id))
        session.flush()


def is_assigned(session: Session, counsellor_id: int, person_id: int) -> bool:
    """Whether the counsellor follows this person (and may read their file)."""
    return session.get(Assignment, (counsellor_id, person_id)) is not None


def caseload(session: Session, counsellor_id: int) -> list[Person]:
    """Return the persons a counsellor follows, by last then first name."""
    query = (
        select(Person)
        .join(Assignment, col(Assignment.person_id) == col(Person.id))
        .where(Assignment.counsellor_id == counsellor_id)
        .order_by(col(Person.last_name), col(Person.first_name))
    )
    return list(session.exec(query).all())


def default_counsellor(session: Session, facility_id: int) -> Counsellor | None:
    """The enabled counsellor new persons of this facility are assigned to, if any."""
    query = select(Counsellor).where(
        Counsellor.facility_id == facility_id,
        col(Counsellor.default_for_facility).is_(True),
        col(Counsellor.disabled_at).is_(None),
    )
    return session.exec(query).first()


def set_default_counsellor(session: Session, counsellor: Counsellor) -> None:
    """Make `counsellor` the default of their facility (the previous one no longer is)."""
    others = select(Counsellor).where(
        Counsellor.facility_id == counsellor.facility_id, col(Counsellor.default_for_facility)
    )
    for other in session.exec(others).all():
        other.default_for_facility = False
        session.add(other)
    counsellor.default_for_facility = True
    session.add(counsellor)
    session.flush()


def counsellors_of(session: Session, person_id: int) -> list[Counsellor]:
    """The counsellors who follow a person, by login."""
    query = (
        select(Counsellor)
        .join(Assignment, col(Assignment.counsellor_id) == col(Counsellor.id))
        .where(Assignment.person_id == person_id)
        .order_by(col(Counsellor.login))
    )
    return list(session.exec(query).all())


def facility_counsellors(session: Session, facility: Facility) -> list[Counsellor]:
    """The enabled counsellors of a facility, by login."""
    query = (
        select(Counsellor)
        .where(Counsellor.facility_id == facility.id, col(Counsellor.disabled_at).is_(None))
        .order_by(col(Counsellor.login))
    )
    return list(session.exec(query).all())
