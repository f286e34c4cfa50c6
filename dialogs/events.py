"""What can happen to a conversation: the person speaks, presses, or time passes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
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


@dataclass(frozen=True)
class Context:
    """What the engine may know of the outside world for one turn."""

    today: date
    directory: Mapping[str, tuple[Service, ...]] = field(default_factory=dict)
    """The local services of the person's facility, by kind."""
