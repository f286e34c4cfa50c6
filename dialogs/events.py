"""What can happen to a conversation: the person speaks, presses, or time passes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from dialogs.directory import Service

SystemName = Literal["start", "resume", "released", "reminder_due", "linked"]


@dataclass(frozen=True)
class Said:
    """Free text typed by the person."""

    text: str


@dataclass(frozen=True)
class Pressed:
    """A button. `seq` is the prompt it was shown with; `value` what it means."""

    seq: int
    value: str


@dataclass(frozen=True)
class System:
    """Something the service tells the conversation (login, release, ...)."""

    name: SystemName
    data: dict[str, str] = field(default_factory=dict)


Event = Said | Pressed | System


AppointmentStatus = Literal["planned", "confirmed", "cannot_come", "cancelled", "done", "missed"]


@dataclass(frozen=True)
class AppointmentFacts:
    """What the engine knows of the appointment whose card's button was pressed."""

    id: str
    kind: str
    """One of `dialogs.appointments.KINDS`."""
    status: AppointmentStatus
    start: datetime
    """Aware, in UTC."""


@dataclass(frozen=True)
class Context:
    """What the engine may know of the outside world for one turn."""

    today: date
    directory: Mapping[str, tuple[Service, ...]] = field(default_factory=dict)
    """The local services of the person's facility, by kind."""
    now: datetime | None = None
    """The moment of the turn (aware): what a typed date is read from. None: noon of
    `today` in `timezone`."""
    timezone: str = "Europe/Paris"
    appointment: AppointmentFacts | None = None
    """The person's appointment named by a pressed card button (`appt:<id>:...`), read
    by the bot; None when there is no such appointment of theirs."""
