"""Counsellor accounts, their lock-out, and their caseload (who follows whom)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, update
from sqlalchemy import select as select_columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage._savepoint import flush_in_savepoint
from storage.enums import Role
from storage.errors import AlreadyTaken, NotFound
from storage.models import Assignment, Counsellor, Facility, Person
from storage.rows import table_of
from storage.utc import ensure_aware


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


def get_counsellor(session: Session, counsellor_id: int) -> Counsellor | None:
    """The account with this id, enabled or not, or None."""
    return session.get(Counsellor, counsellor_id)


def account_by_login(session: Session, login: str) -> Counsellor | None:
    """The account with this login, enabled or not, or None."""
    return session.exec(select(Counsellor).where(Counsellor.login == login)).first()


def list_counsellors(session: Session) -> list[tuple[Counsellor, int]]:
    """Every account with the number of persons it follows, by login."""
    followed = (
        select_columns(func.count())
        .where(col(Assignment.counsellor_id) == col(Counsellor.id))
        .scalar_subquery()
    )
    query = select(Counsellor, followed).order_by(col(Counsellor.login))
    return [(counsellor, int(count)) for counsellor, count in session.exec(query).all()]


def disable_counsellor(session: Session, counsellor_id: int, now: datetime) -> bool:
    """Disable an account (kept for the audit log); False if it already was.
    Raises :class:`NotFound`."""
    counsellor = session.get(Counsellor, counsellor_id)
    if counsellor is None:
        raise NotFound(f"no counsellor with id {counsellor_id}")
    if counsellor.disabled_at is not None:
        return False
    counsellor.disabled_at = ensure_aware(now)
    session.add(counsellor)
    session.flush()
    return True


_ACCOUNT = table_of(Counsellor)
_FAILED = (
    update(_ACCOUNT)
    .where(_ACCOUNT.c.id == bindparam("which"))
    .values(failed_logins=_ACCOUNT.c.failed_logins + 1)
    .returning(_ACCOUNT.c.failed_logins)
)
_LOCK = (
    update(_ACCOUNT)
    .where(_ACCOUNT.c.id == bindparam("which"))
    .values(failed_logins=0, locked_until=bindparam("until"))
)
_RESET = (
    update(_ACCOUNT)
    .where(_ACCOUNT.c.id == bindparam("which"))
    .values(failed_logins=0, locked_until=None)
)


def register_failed_login(
    session: Session, counsellor_id: int, *, max_attempts: int, lockout: timedelta, now: datetime
) -> datetime | None:
    """Count a wrong password; after ``max_attempts`` in a row, lock the account for
    ``lockout`` and return until when (None while it is not locked). Counted in SQL,
    so two wrong passwords at the same instant both count."""
    connection = session.connection()
    attempts = connection.execute(_FAILED, {"which": counsellor_id}).scalar_one()
    if attempts < max_attempts:
        return None
    until = ensure_aware(now) + lockout
    connection.execute(_LOCK, {"which": counsellor_id, "until": until})
    return until


def reset_failed_logins(session: Session, counsellor_id: int) -> None:
    """A right password: the count of wrong ones starts again."""
    session.connection().execute(_RESET, {"which": counsellor_id})


def assign(session: Session, counsellor_id: int, person_id: int) -> bool:
    """Let a counsellor follow a person; False if they already did."""
    if session.get(Assignment, (counsellor_id, person_id)) is not None:
        return False
    session.add(Assignment(counsellor_id=counsellor_id, person_id=person_id))
    session.flush()
    return True


def unassign(session: Session, counsellor_id: int, person_id: int) -> bool:
    """The counsellor no longer follows the person; False if they did not."""
    found = session.get(Assignment, (counsellor_id, person_id))
    if found is None:
        return False
    session.delete(found)
    session.flush()
    return True


_ASSIGNMENT = table_of(Assignment)
_ASSIGNED = select_columns(_ASSIGNMENT.c.person_id).where(
    _ASSIGNMENT.c.counsellor_id == bindparam("counsellor_id"),
    _ASSIGNMENT.c.person_id == bindparam("person_id"),
)
_FOLLOWED = select_columns(_ASSIGNMENT.c.person_id).where(
    _ASSIGNMENT.c.counsellor_id == bindparam("counsellor_id")
)


def is_assigned(session: Session, counsellor_id: int, person_id: int) -> bool:
    """Whether the counsellor follows this person (and may read their file)."""
    params = {"counsellor_id": counsellor_id, "person_id": person_id}
    return session.connection().execute(_ASSIGNED, params).first() is not None


def followed_ids(session: Session, counsellor_id: int) -> list[int]:
    """The ids of the persons a counsellor follows."""
    rows = session.connection().execute(_FOLLOWED, {"counsellor_id": counsellor_id})
    return [int(row[0]) for row in rows]


def counsellors_of(session: Session, person_id: int) -> list[Counsellor]:
    """The accounts that follow a person, by login."""
    query = (
        select(Counsellor)
        .join(Assignment, col(Assignment.counsellor_id) == col(Counsellor.id))
        .where(Assignment.person_id == person_id)
        .order_by(col(Counsellor.login))
    )
    return list(session.exec(query).all())


def forget_assignments(session: Session, person_id: int) -> None:
    """Nobody follows the person any more (their data is being erased)."""
    session.execute(delete(Assignment).where(col(Assignment.person_id) == person_id))


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


def facility_counsellors(session: Session, facility: Facility) -> list[Counsellor]:
    """The enabled counsellors of a facility, by login."""
    query = (
        select(Counsellor)
        .where(Counsellor.facility_id == facility.id, col(Counsellor.disabled_at).is_(None))
        .order_by(col(Counsellor.login))
    )
    return list(session.exec(query).all())
