"""The tables of Fil rouge, as SQLModel classes.

Every datetime column is :class:`storage.utc.UTCDateTime` (aware UTC in, aware
UTC out). Identifiers are integers; people are never merged nor deleted, so
foreign keys do not cascade.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.enums import (
    AppointmentStatus,
    Channel,
    Direction,
    FlagReason,
    Language,
    Origin,
    ReminderOutcome,
    Role,
    string_enum,
)
from storage.sealed import SealedJSON, SealedText
from storage.utc import UTCDateTime, utcnow

# Named constraints let Alembic alter them later (SQLite batch mode needs names).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _created_at() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _moment(*, nullable: bool = True) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


def _json() -> Any:
    return Field(default_factory=dict, sa_type=sa.JSON, nullable=False)


def _sealed_json(purpose: str) -> Any:
    """A JSON value sealed at rest (`storage.sealed`): what people said or answered."""
    return Field(default_factory=dict, sa_type=SealedJSON(purpose), nullable=False)


class Facility(SQLModel, table=True):
    """A prison (établissement) running a kiosk."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=200)
    created_at: datetime = _created_at()


class Person(SQLModel, table=True):
    """A person followed by Fil rouge: one person, one conversation."""

    id: int | None = Field(default=None, primary_key=True)
    facility_id: int = Field(foreign_key="facility.id", index=True)
    code: str = Field(unique=True, max_length=16)  # personal kiosk code, "K7Q4M2"
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    language: Language = Field(default=Language.FR, sa_type=string_enum(Language, 8))
    released_at: datetime | None = _moment()
    unreachable_at: datetime | None = _moment()
    created_at: datetime = _created_at()
    release_planned_on: date | None = Field(default=None, sa_type=sa.Date)
    """The day the person is expected to leave, as a counsellor set it (Paris date)."""
    followup_ended_at: datetime | None = _moment()
    """When the counsellors closed the follow-up: the retention delay runs from here."""
    erased_at: datetime | None = _moment()
    """The person's data was erased (on request or by the retention purge); the row
    stays, emptied, so that the audit log keeps pointing somewhere."""


class ChannelIdentity(SQLModel, table=True):
    """How a person is recognised on a channel (kiosk code + PIN, Telegram id)."""

    __tablename__ = "channel_identity"
    __table_args__ = (sa.UniqueConstraint("channel", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    channel: Channel = Field(sa_type=string_enum(Channel))
    # kiosk: the person code; telegram: the user id as a string
    external_id: str = Field(max_length=64)
    secret_hash: str | None = Field(default=None, max_length=255)  # argon2 PIN hash
    created_at: datetime = _created_at()
    detached_at: datetime | None = _moment()


class ConversationState(SQLModel, table=True):
    """The engine's state snapshot for one person, versioned for concurrency."""

    __tablename__ = "conversation_state"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    data: dict[str, Any] = _sealed_json("conversation_state.data")
    """The answers (CV fields among them) and where the conversation is: sealed."""
    version: int = Field(default=1)
    updated_at: datetime = _created_at()


class TranscriptEntry(SQLModel, table=True):
    """One message in or out of the conversation. Append-only."""

    __tablename__ = "transcript_entry"
    __table_args__ = (
        # Replayed updates (same inbound id) are refused; NULL ids never collide.
        sa.UniqueConstraint("person_id", "channel", "inbound_id"),
        # A person's entries in order: the pages of the console, the latest entry
        # (PostgreSQL needs the id in the index; SQLite has it as the rowid anyway).
        sa.Index("ix_transcript_entry_person_id_id", "person_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    at: datetime = _created_at()
    channel: Channel = Field(sa_type=string_enum(Channel))
    direction: Direction = Field(sa_type=string_enum(Direction, 8))
    text: str = Field(default="", sa_type=SealedText("transcript_entry.text"), nullable=False)
    """The rendered text shown or sent, or what the person typed: sealed."""
    payload: dict[str, Any] = _sealed_json("transcript_entry.payload")
    """The structured output or event (it holds the same words): sealed."""
    language: Language = Field(default=Language.FR, sa_type=string_enum(Language, 8))
    flow_id: str | None = Field(default=None, max_length=100)
    step_id: str | None = Field(default=None, max_length=100)
    inbound_id: str | None = Field(default=None, max_length=100)


class TranscriptWord(SQLModel, table=True):
    """The blind index of the transcript (`storage.blind_index`): one row per entry and
    keyed hash of a word or prefix it holds, so that sealed transcripts can be searched.

    Derived from the entries: no foreign key (erasing a person deletes these rows by
    ``person_id``; a search only returns entries that still exist). The primary key is
    the lookup's order, one person's hash then the entries latest first.
    """

    __tablename__ = "transcript_word"
    __table_args__ = {"sqlite_with_rowid": False}

    person_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    digest: int = Field(primary_key=True, sa_type=sa.BigInteger)
    entry_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})


class Counsellor(SQLModel, table=True):
    """A back-office account: CPIP, partner adviser or administrator."""

    id: int | None = Field(default=None, primary_key=True)
    facility_id: int = Field(foreign_key="facility.id", index=True)
    login: str = Field(unique=True, max_length=100)
    display_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    role: Role = Field(sa_type=string_enum(Role))
    created_at: datetime = _created_at()
    disabled_at: datetime | None = _moment()
    failed_logins: int = Field(default=0)
    """Wrong passwords in a row; the account is locked when it reaches the limit."""
    locked_until: datetime | None = _moment()
    default_for_facility: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa.false()}
    )
    """The facility's default counsellor: new persons of the facility are assigned to them."""


class Assignment(SQLModel, table=True):
    """A counsellor follows a person; counsellors see only their persons."""

    counsellor_id: int = Field(foreign_key="counsellor.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)
    since: datetime = _created_at()


class CounsellorNote(SQLModel, table=True):
    """A counsellor's private note on a person: never shown to the person. Append-only."""

    __tablename__ = "counsellor_note"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    counsellor_id: int = Field(foreign_key="counsellor.id")
    at: datetime = _created_at()
    text: str = Field(sa_type=SealedText("counsellor_note.text"))
    """Sealed, as what the person said."""


class ConsoleSession(SQLModel, table=True):
    """A counsellor logged in to the console; only the SHA-256 of its token is stored."""

    __tablename__ = "console_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    counsellor_id: int = Field(foreign_key="counsellor.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = _created_at()
    last_seen_at: datetime = _created_at()
    ended_at: datetime | None = _moment()


class AuditEvent(SQLModel, table=True):
    """Who did or read what, when. Append-only: the database refuses to change or
    delete a row (triggers, migration 0007)."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _created_at()
    actor_kind: str = Field(max_length=32)  # "counsellor", "person", "system"
    actor_id: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=64)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    detail: dict[str, Any] = _json()


class KioskSession(SQLModel, table=True):
    """A logged-in kiosk session; only the SHA-256 of its token is stored."""

    __tablename__ = "kiosk_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    person_id: int = Field(foreign_key="person.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = _created_at()
    last_seen_at: datetime = _created_at()
    ended_at: datetime | None = _moment()


class LinkCode(SQLModel, table=True):
    """A single-use, expiring code that links a Telegram account to a person.

    Only the SHA-256 of the normalised code is stored: a copy of the database
    does not give working codes.
    """

    __tablename__ = "link_code"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    code_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = _created_at()
    expires_at: datetime = _moment(nullable=False)
    used_at: datetime | None = _moment()
    revoked_at: datetime | None = _moment()
    used_by: str | None = Field(default=None, max_length=64)  # Telegram user id


class LinkAttempt(SQLModel, table=True):
    """One try at a link code by a Telegram account, for the rate limit."""

    __tablename__ = "link_attempt"

    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: str = Field(max_length=64, index=True)
    at: datetime = _created_at()
    ok: bool = Field(default=False)


class TelegramUpdate(SQLModel, table=True):
    """A Telegram update taken in: the inbox.

    In polling mode an update is stored (``payload``, its JSON) before Telegram
    is told it was received; it is then handled from here and marked ``done_at``
    in the transaction of what it caused, its payload dropped. A webhook update
    is stored done in that same transaction. Either way each is handled once.
    """

    __tablename__ = "telegram_update"
    __table_args__ = (
        sa.Index(
            "ix_telegram_update_pending",
            "update_id",
            sqlite_where=sa.text("done_at IS NULL"),
            postgresql_where=sa.text("done_at IS NULL"),
        ),
    )

    update_id: int = Field(
        primary_key=True, sa_type=sa.BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    at: datetime = _created_at()
    payload: str | None = Field(default=None, sa_type=SealedText("telegram_update.payload"))
    done_at: datetime | None = _moment()


class Outbox(SQLModel, table=True):
    """A message to send on Telegram; a row survives restarts until sent or failed.

    ``payload`` is what the Bot API method gets; ``entry`` is the transcript
    entry (text, payload, language, flow_id, step_id) written once Telegram
    accepted the message.
    """

    __table_args__ = (
        sa.Index(
            "ix_outbox_due",
            "not_before",
            sqlite_where=sa.text("sent_at IS NULL AND failed_at IS NULL"),
            postgresql_where=sa.text("sent_at IS NULL AND failed_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    """None for an answer to someone not linked to a person (how to link, a wrong code)."""
    chat_id: int = Field(sa_type=sa.BigInteger)  # a private chat's id is the user's id
    method: str = Field(default="sendMessage", max_length=32)
    payload: dict[str, Any] = _sealed_json("outbox.payload")
    entry: dict[str, Any] = _sealed_json("outbox.entry")
    created_at: datetime = _created_at()
    not_before: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempts: int = Field(default=0)
    sent_at: datetime | None = _moment()
    failed_at: datetime | None = _moment()
    last_error: str | None = Field(default=None, max_length=500)
    telegram_message_id: int | None = Field(default=None, sa_type=sa.BigInteger)


class LoginThrottle(SQLModel, table=True):
    """Failed kiosk logins under one key (a code typed on one screen, or one screen):
    how many in a row, and until when the next try must wait.

    The key is a SHA-256: neither codes nor addresses are stored. A code that does
    not exist is throttled the same way as one that does: from the outside, a
    wait tells nothing about which codes exist.
    """

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=64)
    code_key: str | None = Field(default=None, max_length=64, index=True)
    """The hash of the code alone (for a code's key): staff find and lift its waits."""
    failures: int = Field(default=0)
    wait_until: datetime | None = _moment()
    updated_at: datetime = _created_at()


class Appointment(SQLModel, table=True):
    """An appointment of a person: a SPIP convocation, a doctor, France Travail...

    ``kind`` is one of `dialogs.appointments.KINDS` (checked by the bot, stored as
    text). ``start_at`` is UTC; people see it in Europe/Paris. ``sequence`` counts
    the moves: it is the SEQUENCE of the .ics file, so a calendar replaces the event.
    """

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=16)
    start_at: datetime = _moment(nullable=False)
    duration_minutes: int | None = Field(default=None)
    place: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=300)
    directions: str = Field(default="", max_length=500)
    """How to get there (bus line, stop, entrance)."""
    with_whom: str = Field(default="", max_length=200)
    bring: str = Field(default="", max_length=500)
    inside: bool = Field(default=False)
    """Inside the facility (the unit's doctor, the CPIP's office) or outside."""
    origin: Origin = Field(sa_type=string_enum(Origin))
    created_by: str | None = Field(default=None, max_length=100)
    """The counsellor's login, for an appointment a counsellor entered."""
    status: AppointmentStatus = Field(
        default=AppointmentStatus.PLANNED, sa_type=string_enum(AppointmentStatus)
    )
    sequence: int = Field(default=0)
    created_at: datetime = _created_at()
    updated_at: datetime = _created_at()


class AppointmentChange(SQLModel, table=True):
    """One change of an appointment (created, moved, answered, cancelled...). Append-only."""

    __tablename__ = "appointment_change"

    id: int | None = Field(default=None, primary_key=True)
    appointment_id: int = Field(foreign_key="appointment.id", index=True)
    at: datetime = _created_at()
    status: AppointmentStatus = Field(sa_type=string_enum(AppointmentStatus))
    """The status after the change."""
    start_at: datetime = _moment(nullable=False)
    """The start after the change (a move changes it)."""
    actor_kind: str = Field(max_length=32)  # "counsellor", "person", "system"
    actor_id: str | None = Field(default=None, max_length=100)
    note: str = Field(default="", max_length=500)


class Reminder(SQLModel, table=True):
    """A reminder to send, as a row: claimed by a worker when due, sent once, never lost.

    ``label`` is the policy's ("J-7", "J-2", "J-1", "H-2") or "follow-up" (the day
    after: what happened?). ``not_before`` is when a worker looks at it next: its
    due time, or 08:00 when it fell due at night. ``done_at`` and ``outcome`` say
    how it ended; ``detail`` says why or where (the channel it went out on).
    """

    __table_args__ = (
        sa.Index(
            "ix_reminder_due",
            "not_before",
            sqlite_where=sa.text("done_at IS NULL"),
            postgresql_where=sa.text("done_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    appointment_id: int = Field(foreign_key="appointment.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    label: str = Field(max_length=16)
    due_at: datetime = _moment(nullable=False)
    not_before: datetime = _moment(nullable=False)
    created_at: datetime = _created_at()
    done_at: datetime | None = _moment()
    outcome: ReminderOutcome | None = Field(
        default=None, sa_type=string_enum(ReminderOutcome), nullable=True
    )
    detail: str = Field(default="", max_length=200)


class Flag(SQLModel, table=True):
    """Something a counsellor must look at: a person asked for help, said they cannot
    come, missed an appointment, cannot be reached... Open until dealt with.

    One open flag per person, reason and appointment: the same thing said again
    adds to ``times`` and ``last_at`` rather than a new line.
    """

    __table_args__ = (
        sa.Index(
            "ix_flag_open",
            "at",
            sqlite_where=sa.text("dealt_at IS NULL"),
            postgresql_where=sa.text("dealt_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    reason: FlagReason = Field(sa_type=string_enum(FlagReason))
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    at: datetime = _created_at()
    last_at: datetime = _created_at()
    times: int = Field(default=1)
    detail: dict[str, Any] = _json()
    dealt_at: datetime | None = _moment()
    dealt_by: str | None = Field(default=None, max_length=100)
