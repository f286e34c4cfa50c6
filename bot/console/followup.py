"""A person's appointments and flags as the console shows them, read through
`bot.appointments` and `bot.flags` (the one place each changes), and the
appointment form as typed.

A flag's detail is what the conversation recorded (where the person asked, the
appointment and the reason they gave); it is said here in French words, the
person's own words kept apart so that the page shows them escaped and isolated.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot import appointments, flags
from bot.appointments import AppointmentView
from bot.console import words
from bot.console.person import Questions
from bot.i18n import Translator
from bot.services import Services
from dialogs.appointments import KINDS, is_kind
from dialogs.flowset import FlowSet
from dialogs.outputs import Message
from storage.enums import AppointmentStatus, FlagReason

CHANGEABLE = frozenset(
    {AppointmentStatus.PLANNED, AppointmentStatus.CONFIRMED, AppointmentStatus.CANNOT_COME}
)
"""The statuses an appointment can still leave: moved, cancelled, marked done or missed."""
WHY = "rdv_why"
"""Where the `rendez_vous` flow saves why the person cannot come (an option's id)."""


@dataclass(frozen=True)
class Said:
    """One piece of a flag's detail: our words (`label`), or the person's (`theirs`)."""

    label: str
    theirs: str = ""


@dataclass(frozen=True)
class FlagLine:
    """A flag as the person page lists it."""

    id: int
    reason: FlagReason
    at: datetime
    last_at: datetime
    times: int
    said: tuple[Said, ...]
    dealt_at: datetime | None
    dealt_by: str | None


@dataclass
class AppointmentForm:
    """The appointment form as the counsellor typed it, and what to fix (a msgid and
    its values) when it was refused. `appointment_id` is None for a new one."""

    appointment_id: int | None = None
    kind: str = ""
    day: str = ""
    time: str = ""
    place: str = ""
    address: str = ""
    with_whom: str = ""
    bring: str = ""
    inside: bool = False
    error: str = ""
    values: dict[str, Any] = field(default_factory=dict)


def kind_name(kind: str) -> str:
    """The msgid naming a kind of appointment (« Rendez-vous » for an unknown one)."""
    return KINDS[kind] if is_kind(kind) else KINDS["other"]


def appointments_of(services: Services, person_id: int) -> list[AppointmentView]:
    """Every appointment of the person: those to come first (soonest first), then the
    past ones (latest first)."""
    views = appointments.list_of(services, person_id, include_past=True)
    now = services.clock.now()
    coming = [a for a in views if a.start >= now]
    past = [a for a in views if a.start < now]
    return coming + past[::-1]


def flag_lines(
    services: Services, person_id: int, french: Translator, questions: Questions
) -> list[FlagLine]:
    """The person's flags, the open ones first, the latest first."""
    views = flags.list_flags(services, person_id=person_id)
    lines = [
        FlagLine(
            id=v.id,
            reason=v.reason,
            at=v.at,
            last_at=v.last_at,
            times=v.times,
            said=_said(v.detail, services.flows, french, questions),
            dealt_at=v.dealt_at,
            dealt_by=v.dealt_by,
        )
        for v in views
    ]
    return sorted(lines, key=lambda line: line.dealt_at is not None)


def _said(
    detail: dict[str, Any], flows: FlowSet, french: Translator, questions: Questions
) -> tuple[Said, ...]:
    said: list[Said] = []
    channel = str(detail.get("channel", ""))
    if channel in words.FLAG_CHANNELS:
        said.append(Said(french.gettext(words.FLAG_CHANNELS[channel])))
    where = str(detail.get("where", ""))
    flow = flows.flows.get(where.rsplit(":", 1)[-1].split("/", 1)[0]) if where else None
    if flow is not None and flow.id != "home":
        title = french.gettext(flow.title)
        said.append(Said(french.gettext(words.FLAG_IN_GUIDE).format(guide=title)))
    if "kind" in detail:
        what = french.gettext(kind_name(str(detail["kind"])))
        start = detail.get("start")
        if isinstance(start, str):
            with contextlib.suppress(ValueError):  # a start not written by Fil rouge
                what = f"{what}, {french.when(datetime.fromisoformat(start))}"
        said.append(Said(what))
    if detail.get("why"):
        why = str(detail["why"])
        label = questions.labels.get(WHY, {}).get(why)  # the button the person pressed
        if label:
            said.append(Said(f"{french.gettext(words.FLAG_WHY)} {french.render(Message(label))}"))
        else:
            said.append(Said(french.gettext(words.FLAG_WHY), why))
    if detail.get("said"):
        said.append(Said(french.gettext(words.FLAG_WROTE), str(detail["said"])))
    if detail.get("answer") == "went":
        said.append(Said(french.gettext(words.FLAG_WENT)))
    return tuple(said)
