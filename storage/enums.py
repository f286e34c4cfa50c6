"""Closed vocabularies stored as short strings (not native database enums).

Plain strings keep migrations simple on PostgreSQL (no ``CREATE TYPE`` to alter
when a value is added) and read the same on SQLite.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


class Channel(StrEnum):
    """Where a person talks to Fil rouge."""

    KIOSK = "kiosk"
    TELEGRAM = "telegram"
    SYSTEM = "system"  # events no channel carried, such as release
    COUNSELLOR = "counsellor"  # what a counsellor wrote into the conversation (the console)


class Direction(StrEnum):
    """Whether a transcript entry was said by the person or to the person."""

    IN = "in"
    OUT = "out"


class Role(StrEnum):
    """What a counsellor account may do (``cpip``: conseiller pénitentiaire
    d'insertion et de probation)."""

    CPIP = "cpip"
    PARTNER = "partner"
    ADMIN = "admin"


class Language(StrEnum):
    """Languages a person can choose; French is the source language."""

    FR = "fr"
    AR = "ar"
    EN = "en"
    RO = "ro"


class AppointmentStatus(StrEnum):
    """Where an appointment stands; every change is kept (``appointment_change``)."""

    PLANNED = "planned"
    CONFIRMED = "confirmed"  # the person said "J'y serai"
    CANNOT_COME = "cannot_come"  # the person said "Je ne peux pas venir"
    CANCELLED = "cancelled"
    DONE = "done"
    MISSED = "missed"


class Origin(StrEnum):
    """Who put an appointment in Fil rouge."""

    COUNSELLOR = "counsellor"
    PERSON = "person"  # typed in the conversation ("given by the person")
    IMPORT = "import"


class ReminderOutcome(StrEnum):
    """How a reminder row ended."""

    SENT = "sent"  # its messages were written for the person (kiosk or outbox)
    DROPPED = "dropped"  # found too late to be useful, or the appointment no longer needs it
    CANCELLED = "cancelled"  # the appointment was cancelled or moved before it was due
    FAILED = "failed"  # it could not be written (a fault, logged)


class FlagReason(StrEnum):
    """Why a counsellor must look at a person."""

    COUNSELLOR = "counsellor"  # asked for a counsellor
    DISTRESS = "distress"  # words of distress, or "Aide urgente"
    CANNOT_COME = "cannot_come"
    MISSED = "missed"  # an appointment not marked done the day after, or said missed
    UNREACHABLE = "unreachable"  # released and not linked, or the bot is blocked


def string_enum(enum: type[StrEnum], length: int = 16) -> sa.Enum:
    """Column type storing ``enum`` values as VARCHAR, returned as members."""
    return sa.Enum(
        enum,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
