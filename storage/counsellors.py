"""Counsellor accounts and their caseload (who follows whom)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage._savepoint import flush_in_savepoint
from storage.enums import Role
from storage.errors import AlreadyTaken
from storage.models import Assignment, Counsellor, Person


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
