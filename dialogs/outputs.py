"""What the engine says, without knowing where: each channel renders these.

Texts are French msgids with parameters; the channel translates them in the
person's language (`bot/i18n.py`). A channel never decides what is said.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from dialogs.directory import Service
from dialogs.schema import AnswerKind


@dataclass(frozen=True)
class Message:
    """A msgid and the values of its `{placeholders}`."""

    msgid: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Button:
    value: str
    label: Message


@dataclass(frozen=True)
class Text:
    text: Message
    kind: Literal["text"] = "text"


@dataclass(frozen=True)
class Choices:
    text: Message
    buttons: tuple[Button, ...]
    seq: int
    kind: Literal["choices"] = "choices"


@dataclass(frozen=True)
class Question:
    text: Message
    expect: AnswerKind
    seq: int
    buttons: tuple[Button, ...] = ()
    """Quick answers (Oui / Non for yesno), the person may also type."""
    kind: Literal["question"] = "question"


@dataclass(frozen=True)
class CheckItem:
    id: str
    label: Message
    checked: bool


@dataclass(frozen=True)
class Checklist:
    text: Message
    items: tuple[CheckItem, ...]
    done_label: Message
    seq: int
    kind: Literal["checklist"] = "checklist"


@dataclass(frozen=True)
class Handoff:
    """The person asked for a counsellor: the service tells one (a flag to look at)."""

    reason: str
    about: Literal["help", "distress"] = "help"
    """"distress": the safety net opened (words of distress, "Aide urgente")."""
    kind: Literal["handoff"] = "handoff"


@dataclass(frozen=True)
class Plan:
    """What is done and left per domain ("Mon plan")."""

    domains: tuple[tuple[str, tuple[tuple[Message, bool], ...]], ...]
    kind: Literal["plan"] = "plan"


@dataclass(frozen=True)
class ServiceList:
    """The local services of one kind (`do: show_service`); may be empty."""

    service_kind: str
    kind_name: Message
    services: tuple[Service, ...]
    kind: Literal["services"] = "services"


@dataclass(frozen=True)
class Document:
    """A document built from the answers, to read and print (the CV)."""

    title: Message
    lines: tuple[tuple[Message, str], ...]
    """(label, value) in order; values are what the person typed."""
    name: str = ""
    kind: Literal["document"] = "document"


@dataclass(frozen=True)
class Appointment:
    """An appointment card (a reminder, a notice): what, when, where, with whom.

    Built by `dialogs.appointments.card`. Place, address, directions, with whom
    and what to bring are written by a counsellor (or the person) and shown as
    they are; `heading` and `what` are msgids. Its buttons answer the
    appointment itself (values `appt:<id>:yes|no`), not the open question.
    """

    id: str
    heading: Message
    """"Rappel : {what}" and the like; `{what}` is filled with `what`, translated."""
    what: Message
    """The kind of appointment ("Convocation au SPIP")."""
    start: datetime
    """Aware, in UTC; shown in the person's time zone."""
    place: str = ""
    address: str = ""
    directions: str = ""
    """How to get there (bus line, stop, entrance)."""
    with_whom: str = ""
    bring: str = ""
    """What to bring (ID, the convocation letter)."""
    buttons: tuple[Button, ...] = ()
    kind: Literal["appointment"] = "appointment"


@dataclass(frozen=True)
class AppointmentAnswer:
    """The person answered an appointment (its card's buttons, then why they cannot
    come): the bot records it in the turn (status, history, a flag). Not shown."""

    appointment_id: str
    answer: Literal["yes", "no", "went", "missed"]
    why: str = ""
    """The reason chosen (an option id of the `rendez_vous` flow)."""
    said: str = ""
    """The reason in the person's own words, when they wrote one."""
    kind: Literal["appointment_answer"] = "appointment_answer"


@dataclass(frozen=True)
class AppointmentNoted:
    """An appointment the person gave in the conversation: the bot stores it ("given
    by the person") with its reminders. Shown as its card, without buttons."""

    what: str
    """The kind of appointment (`dialogs.appointments.KINDS`)."""
    start: datetime
    """Aware, in UTC."""
    place: str = ""
    address: str = ""
    kind: Literal["appointment_noted"] = "appointment_noted"


Output = (
    Text
    | Choices
    | Question
    | Checklist
    | Handoff
    | Plan
    | ServiceList
    | Document
    | Appointment
    | AppointmentAnswer
    | AppointmentNoted
)
Effect = Handoff | AppointmentAnswer | AppointmentNoted
"""Outputs that ask the bot to record something in the turn's transaction."""
Prompt = Choices | Question | Checklist


@functools.cache
def _adapter() -> TypeAdapter[Output]:
    return TypeAdapter(Annotated[Output, Field(discriminator="kind")])


def as_data(output: Output) -> dict[str, Any]:
    """An output as plain JSON data (what a transcript entry keeps of it)."""
    data: dict[str, Any] = _adapter().dump_python(output, mode="json")
    return {"output": output.kind, **data}
