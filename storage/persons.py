"""Facilities, persons and their channel identities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy import select as select_columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage._savepoint import flush_in_savepoint
from storage.enums import Channel, Language
from storage.errors import AlreadyTaken, NotFound
from storage.models import Assignment, ChannelIdentity, Facility, Person
from storage.rows import id_of, table_of
from storage.utc import ensure_aware, utcnow


def create_facility(session: Session, code: str, name: str) -> Facility:
    """Create a facility; raises :class:`AlreadyTaken` if the code is used."""
    facility = Facility(code=code, name=name)
    try:
        flush_in_savepoint(session, [facility])
    except IntegrityError as exc:
        raise AlreadyTaken(f"facility code {code!r} is already used") from exc
    return facility


def get_facility_by_code(session: Session, code: str) -> Facility | None:
    """Return the facility with this code, or None."""
    return session.exec(select(Facility).where(Facility.code == code)).first()


def facilities(session: Session) -> list[Facility]:
    """Every facility, by code."""
    return list(session.exec(select(Facility).order_by(col(Facility.code))).all())


def find_persons(
    session: Session,
    *,
    facility_id: int | None = None,
    released: bool | None = None,
    counsellor_id: int | None = None,
) -> list[Person]:
    """Persons, by code: of a facility, released or not, followed by a counsellor."""
    query = select(Person)
    if facility_id is not None:
        query = query.where(Person.facility_id == facility_id)
    if released is not None:
        released_at = col(Person.released_at)
        query = query.where(released_at.is_not(None) if released else released_at.is_(None))
    if counsellor_id is not None:
        query = query.join(Assignment, col(Assignment.person_id) == col(Person.id)).where(
            Assignment.counsellor_id == counsellor_id
        )
    return list(session.exec(query.order_by(col(Person.code))).all())


def create_person(
    session: Session,
    facility_id: int,
    code: str,
    first_name: str,
    last_name: str,
    language: Language | str,
    pin_hash: str,
) -> Person:
    """Create a person and their kiosk identity (external id = code, PIN hash).

    Raises :class:`AlreadyTaken` when the code is used, so the caller can draw
    another one; the surrounding transaction stays usable.
    """
    person = Person(
        facility_id=facility_id,
        code=code,
        first_name=first_name,
        last_name=last_name,
        language=Language(language),
    )
    try:
        flush_in_savepoint(session, [person])
        kiosk = ChannelIdentity(
            person_id=id_of(person),
            channel=Channel.KIOSK,
            external_id=code,
            secret_hash=pin_hash,
        )
        flush_in_savepoint(session, [kiosk])
    except IntegrityError as exc:
        raise AlreadyTaken(f"person code {code!r} is already used") from exc
    return person


def get_person(session: Session, person_id: int) -> Person | None:
    """Return the person with this id, or None."""
    return session.get(Person, person_id)


def get_person_by_code(session: Session, code: str) -> Person | None:
    """Return the person with this personal code (any case), or None."""
    return session.exec(select(Person).where(Person.code == code.strip().upper())).first()


def mark_released(session: Session, person_id: int, now: datetime) -> tuple[Person, bool]:
    """Record that the person left prison; returns the person and whether it
    was new (a second call keeps the first date). Raises :class:`NotFound`."""
    person = _existing(session, person_id)
    if person.released_at is not None:
        return person, False
    person.released_at = ensure_aware(now)
    session.add(person)
    session.flush()
    return person, True


def mark_unreachable(session: Session, person_id: int, now: datetime) -> Person:
    """Record that Telegram refuses to deliver to the person (they blocked the
    bot); linking a new account clears it. Raises :class:`NotFound`."""
    person = _existing(session, person_id)
    if person.unreachable_at is None:
        person.unreachable_at = ensure_aware(now)
        session.add(person)
        session.flush()
    return person


def mark_reachable(session: Session, person_id: int) -> None:
    """Clear the unreachable mark (a Telegram account was just linked)."""
    person = _existing(session, person_id)
    if person.unreachable_at is not None:
        person.unreachable_at = None
        session.add(person)
        session.flush()


def _existing(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    return person


def find_identity(
    session: Session, channel: Channel | str, external_id: str
) -> ChannelIdentity | None:
    """Return the attached identity for (channel, external id), or None."""
    query = select(ChannelIdentity).where(
        ChannelIdentity.channel == Channel(channel),
        ChannelIdentity.external_id == external_id,
        col(ChannelIdentity.detached_at).is_(None),
    )
    return session.exec(query).first()


_IDENTITY = table_of(ChannelIdentity)
_PERSON_OF = select_columns(_IDENTITY.c.person_id).where(
    _IDENTITY.c.channel == bindparam("channel"),
    _IDENTITY.c.external_id == bindparam("external_id"),
    _IDENTITY.c.detached_at.is_(None),
)


def person_of_identity(session: Session, channel: Channel, external_id: str) -> int | None:
    """The person an attached identity (a Telegram account) points to, or None."""
    params = {"channel": channel, "external_id": external_id}
    row = session.connection().execute(_PERSON_OF, params).first()
    return int(row[0]) if row is not None else None


# Channels on which a person has at most one attached identity (one phone).
SINGLE_IDENTITY_CHANNELS = frozenset({Channel.TELEGRAM})


@dataclass(frozen=True)
class Attached:
    """The identity now attached, and the person's previous one it replaced."""

    identity: ChannelIdentity
    detached: ChannelIdentity | None = None


def attach_identity(
    session: Session,
    person_id: int,
    channel: Channel | str,
    external_id: str,
    *,
    now: datetime | None = None,
) -> ChannelIdentity:
    """Point (channel, external id) at a person, e.g. a Telegram account.

    A previously detached identity is re-attached. On Telegram a person has
    one account: their previous one is detached (:func:`replace_identity`
    says which). Raises :class:`AlreadyTaken` if the identity is attached to
    someone else (people are never merged) and :class:`NotFound` if the
    person does not exist.
    """
    return replace_identity(session, person_id, channel, external_id, now=now).identity


def replace_identity(
    session: Session,
    person_id: int,
    channel: Channel | str,
    external_id: str,
    *,
    now: datetime | None = None,
) -> Attached:
    """Like :func:`attach_identity`, also returning the identity it detached.

    The channel tells the old Telegram account it no longer reaches the person.
    """
    if session.get(Person, person_id) is None:
        raise NotFound(f"no person with id {person_id}")
    channel = Channel(channel)
    query = select(ChannelIdentity).where(
        ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
    )
    identity = session.exec(query).first()
    if identity is not None and identity.detached_at is None:
        if identity.person_id == person_id:
            return Attached(identity)
        raise AlreadyTaken(f"{channel} identity {external_id!r} belongs to someone")
    detached = None
    if channel in SINGLE_IDENTITY_CHANNELS:
        detached = next(
            (i for i in identities_of(session, person_id) if i.channel == channel), None
        )
        if detached is not None:
            detach_identity(session, detached, now=now)
    if identity is None:
        identity = ChannelIdentity(person_id=person_id, channel=channel, external_id=external_id)
    else:
        identity.person_id = person_id
        identity.detached_at = None
    try:
        flush_in_savepoint(session, [identity])
    except IntegrityError as exc:  # attached concurrently by another turn
        raise AlreadyTaken(f"{channel} identity {external_id!r} was taken") from exc
    return Attached(identity, detached)


def detach_identity(
    session: Session, identity: ChannelIdentity, *, now: datetime | None = None
) -> None:
    """Detach an identity: it no longer reaches the person (kept for history)."""
    identity.detached_at = ensure_aware(now) if now else utcnow()
    session.add(identity)
    session.flush()


def identities_of(session: Session, person_id: int) -> list[ChannelIdentity]:
    """Return the attached identities of a person, oldest first."""
    query = (
        select(ChannelIdentity)
        .where(
            ChannelIdentity.person_id == person_id,
            col(ChannelIdentity.detached_at).is_(None),
        )
        .order_by(col(ChannelIdentity.id))
    )
    return list(session.exec(query).all())
