"""The port to a person's appointments and flags, as counsellors see and act on them.

The appointments and their reminders, and the flags (a person asked for a
counsellor, is in distress, cannot come, missed an appointment, cannot be
reached), are kept by their own module. The console reads them and marks a
flag dealt with through this port only; the rights of the person (export,
erasure) reach their rows through it too. `NoFollowUp` is the implementation
while nothing is registered: no appointment, no flag, nothing to export or
erase. The composition root (`bot.app.compose`) sets `Services.followup`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from bot.tx import Tx
from dialogs.appointments import KINDS

FlagReason = Literal["asked_counsellor", "distress", "cannot_come", "missed", "unreachable"]
"""Why a person is flagged: asked for a counsellor, said they are in distress, said
they cannot come to an appointment, missed one, cannot be reached on Telegram."""
AppointmentStatus = Literal["planned", "confirmed", "cannot_come", "done", "missed", "cancelled"]


@dataclass(frozen=True)
class AppointmentLine:
    """One appointment as a counsellor reads it."""

    id: int
    at: datetime
    kind: str
    """A kind of `dialogs.appointments.KINDS` (its msgid names it)."""
    place: str
    status: AppointmentStatus


def kind_name(kind: str) -> str:
    """The msgid naming a kind of appointment (« Rendez-vous » for an unknown one)."""
    for known, name in KINDS.items():
        if known == kind:
            return name
    return KINDS["other"]


@dataclass(frozen=True)
class FlagLine:
    """One flag as a counsellor reads it; `dealt_at` None while it is open."""

    id: int
    at: datetime
    reason: FlagReason
    detail: str
    dealt_at: datetime | None = None
    dealt_by: str | None = None
    """The display name of the counsellor who dealt with it."""


@dataclass(frozen=True)
class Summary:
    """What a caseload line shows of a person's follow-up."""

    next_appointment: AppointmentLine | None = None
    open_flags: int = 0
    worst_flag: FlagReason | None = None
    """The most pressing open flag (distress before the others), for the line's badge."""


class FollowUp(Protocol):
    """A person's appointments and flags, read and acted on by counsellors."""

    def summaries(self, tx: Tx, person_ids: Sequence[int]) -> Mapping[int, Summary]:
        """The next appointment and the open flags of each person (absent: none)."""
        ...

    def appointments(self, tx: Tx, person_id: int) -> list[AppointmentLine]:
        """The person's appointments, the next first, then the past ones."""
        ...

    def flags(self, tx: Tx, person_id: int) -> list[FlagLine]:
        """The person's flags, open ones first, the latest first."""
        ...

    def deal_with_flag(self, tx: Tx, person_id: int, flag_id: int, counsellor_id: int) -> bool:
        """Mark the person's flag dealt with; False when it is not theirs or not open."""
        ...

    def export(self, tx: Tx, person_id: int) -> dict[str, Any]:
        """Everything kept about the person's appointments and flags, as JSON data."""
        ...

    def forget(self, tx: Tx, person_id: int) -> None:
        """Delete the person's appointments, reminders and flags (erasure)."""
        ...


class NoFollowUp:
    """Nothing to follow: no appointment, no flag (no module registered)."""

    def summaries(self, tx: Tx, person_ids: Sequence[int]) -> Mapping[int, Summary]:
        return {}

    def appointments(self, tx: Tx, person_id: int) -> list[AppointmentLine]:
        return []

    def flags(self, tx: Tx, person_id: int) -> list[FlagLine]:
        return []

    def deal_with_flag(self, tx: Tx, person_id: int, flag_id: int, counsellor_id: int) -> bool:
        return False

    def export(self, tx: Tx, person_id: int) -> dict[str, Any]:
        return {}

    def forget(self, tx: Tx, person_id: int) -> None:
        return None
