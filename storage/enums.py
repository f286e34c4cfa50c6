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


def string_enum(enum: type[StrEnum], length: int = 16) -> sa.Enum:
    """Column type storing ``enum`` values as VARCHAR, returned as members."""
    return sa.Enum(
        enum,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
