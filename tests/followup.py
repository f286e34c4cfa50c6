"""Appointments and flags kept in memory: the follow-up port (`bot.followup.FollowUp`)
as its contract says, for the console's tests until the real module is wired."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.followup import AppointmentLine, FlagLine, Summary
from bot.tx import Tx

_URGENCY = ("distress", "asked_counsellor", "missed", "cannot_come", "unreachable")


@dataclass
class KeptFollowUp:
    appointments_of: dict[int, list[AppointmentLine]] = field(default_factory=dict)
    flags_of: dict[int, list[FlagLine]] = field(default_factory=dict)
    dealt_by: dict[int, str] = field(default_factory=dict)
    """Counsellor id → display name, for the flags they deal with."""

    def summaries(self, tx: Tx, person_ids: Sequence[int]) -> Mapping[int, Summary]:
        found = {}
        for person_id in person_ids:
            coming = [a for a in self.appointments_of.get(person_id, []) if a.at > tx.now]
            open_flags = [f for f in self.flags_of.get(person_id, []) if f.dealt_at is None]
            worst = min(open_flags, key=lambda f: _URGENCY.index(f.reason), default=None)
            found[person_id] = Summary(
                next_appointment=min(coming, key=lambda a: a.at, default=None),
                open_flags=len(open_flags),
                worst_flag=worst.reason if worst else None,
            )
        return found

    def appointments(self, tx: Tx, person_id: int) -> list[AppointmentLine]:
        return sorted(self.appointments_of.get(person_id, []), key=lambda a: a.at)

    def flags(self, tx: Tx, person_id: int) -> list[FlagLine]:
        return sorted(
            self.flags_of.get(person_id, []), key=lambda f: (f.dealt_at is not None, -f.id)
        )

    def deal_with_flag(self, tx: Tx, person_id: int, flag_id: int, counsellor_id: int) -> bool:
        flags = self.flags_of.get(person_id, [])
        for index, flag in enumerate(flags):
            if flag.id == flag_id and flag.dealt_at is None:
                flags[index] = replace(
                    flag, dealt_at=tx.now, dealt_by=self.dealt_by.get(counsellor_id, "?")
                )
                return True
        return False

    def export(self, tx: Tx, person_id: int) -> dict[str, Any]:
        return {
            "appointments": [a.kind for a in self.appointments_of.get(person_id, [])],
            "flags": [f.reason for f in self.flags_of.get(person_id, [])],
        }

    def forget(self, tx: Tx, person_id: int) -> None:
        self.appointments_of.pop(person_id, None)
        self.flags_of.pop(person_id, None)
