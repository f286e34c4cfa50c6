"""Appointments as the conversation speaks of them: their kinds, their card, its answers.

The card (`dialogs.outputs.Appointment`) is channel-neutral like every output:
the kiosk and Telegram render it, `bot.reminders.wording` writes its text. Its
two buttons answer the appointment, whatever question is open: their values are
`appt:<id>:yes` and `appt:<id>:no` (`answer_value`, read back by `read_answer`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, get_args

from dialogs.messages import N_
from dialogs.outputs import Appointment, Button, Message

AppointmentKind = Literal[
    "spip", "jap", "health", "france_travail", "caf_cpam", "housing", "training", "other"
]
Answer = Literal["yes", "no"]
Heading = Literal["reminder", "new", "moved", "cancelled"]

KINDS: dict[AppointmentKind, str] = {
    "spip": N_("Convocation au SPIP"),
    "jap": N_("Convocation chez le juge (JAP)"),
    "health": N_("Rendez-vous de santé"),
    "france_travail": N_("Rendez-vous à France Travail"),
    "caf_cpam": N_("Rendez-vous à la CAF ou à la CPAM"),
    "housing": N_("Rendez-vous pour le logement"),
    "training": N_("Formation"),
    "other": N_("Rendez-vous"),
}
"""Every kind of appointment, with what the person reads."""
JUSTICE: frozenset[AppointmentKind] = frozenset({"spip", "jap"})
"""Convocations: a missed one can cost a revocation, so they get more reminders."""

HEADINGS: dict[Heading, str] = {
    "reminder": N_("Rappel : {what}"),
    "new": N_("Nouveau rendez-vous : {what}"),
    "moved": N_("Rendez-vous déplacé : {what}"),
    "cancelled": N_("Rendez-vous annulé : {what}"),
}
ANSWERS: dict[Answer, str] = {"yes": N_("J'y serai"), "no": N_("Je ne peux pas venir")}
_PREFIX = "appt"


def answer_value(appointment_id: str, answer: Answer) -> str:
    """The value of the button that gives `answer` to an appointment."""
    if ":" in appointment_id:
        raise ValueError(f"an appointment id cannot hold ':' ({appointment_id!r})")
    return f"{_PREFIX}:{appointment_id}:{answer}"


def read_answer(value: str) -> tuple[str, Answer] | None:
    """(appointment id, answer) of a pressed button's value, or None when it is not one."""
    prefix, _, rest = value.partition(":")
    appointment_id, _, answer = rest.partition(":")
    if prefix != _PREFIX or not appointment_id:
        return None
    for known in get_args(Answer):
        if answer == known:
            return appointment_id, known
    return None


def card(
    appointment_id: str,
    kind: AppointmentKind,
    start: datetime,
    *,
    heading: Heading = "reminder",
    place: str = "",
    address: str = "",
    directions: str = "",
    with_whom: str = "",
    bring: str = "",
) -> Appointment:
    """The card of one appointment; a cancelled one has no buttons to answer."""
    if start.tzinfo is None:
        raise ValueError("an appointment starts at an aware datetime")
    buttons = (
        ()
        if heading == "cancelled"
        else tuple(
            Button(answer_value(appointment_id, answer), Message(label))
            for answer, label in ANSWERS.items()
        )
    )
    return Appointment(
        id=appointment_id,
        heading=Message(HEADINGS[heading]),
        what=Message(KINDS[kind]),
        start=start.astimezone(UTC),
        place=place,
        address=address,
        directions=directions,
        with_whom=with_whom,
        bring=bring,
        buttons=buttons,
    )
