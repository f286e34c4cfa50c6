"""Appointments as the conversation speaks of them: their kinds, their card, its answers.

The card (`dialogs.outputs.Appointment`) is channel-neutral like every output:
the kiosk and Telegram render it, `bot.reminders.wording` writes its text. Its
two buttons answer the appointment, whatever question is open: their values are
`appt:<id>:yes` and `appt:<id>:no` (`answer_value`, read back by `read_answer`).
The day after, a follow-up card asks what happened: `appt:<id>:went` or
`appt:<id>:missed`. A channel that can give a calendar file adds a button of its
own, `appt:<id>:ics` (`calendar_value`): that one never reaches the engine.

The engine answers these buttons with the `rendez_vous` flow (`ANSWER_FLOW`),
opened above whatever the person was doing, at the step named like the answer:
when it ends, the person is back where they were. What the bot must record
travels as outputs the channels do not show (`dialogs.outputs.AppointmentAnswer`,
`AppointmentNoted`), stored in the turn's transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, TypeGuard, get_args

from dialogs.messages import N_
from dialogs.outputs import Appointment, Button, Message

AppointmentKind = Literal[
    "spip", "jap", "health", "france_travail", "caf_cpam", "housing", "training", "other"
]
Answer = Literal["yes", "no", "went", "missed"]
Heading = Literal["reminder", "new", "moved", "cancelled", "follow_up", "noted"]

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
    "follow_up": N_("Ce rendez-vous est passé : {what}"),
    "noted": N_("Rendez-vous noté : {what}"),
}
ANSWERS: dict[Answer, str] = {
    "yes": N_("J'y serai"),
    "no": N_("Je ne peux pas venir"),
    "went": N_("J'y étais"),
    "missed": N_("Je n'y étais pas"),
}
BUTTONS: dict[Heading, tuple[Answer, ...]] = {
    "reminder": ("yes", "no"),
    "new": ("yes", "no"),
    "moved": ("yes", "no"),
    "cancelled": (),
    "follow_up": ("went", "missed"),
    "noted": (),
}
"""The answers each card offers: nothing to answer on a cancelled or a just-noted one."""
CALENDAR_LABEL = N_("Ajouter à mon agenda")
CALENDAR_CAPTION = N_("Ouvrez ce fichier : le rendez-vous s'ajoute à l'agenda de votre téléphone.")
ANSWER_FLOW = "rendez_vous"
"""The flow that answers a card's buttons, at the step named like the answer."""
ENGINE_ANSWERS = ("rdv_id", "rdv_kind", "rdv_why", "rdv_said")
"""What the `rendez_vous` flow knows of the appointment being answered: set by the
engine when it opens the flow (`rdv_id`, `rdv_kind`), and the reason given."""
_PREFIX = "appt"
_CALENDAR = "ics"


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


def calendar_value(appointment_id: str) -> str:
    """The value of a channel's "Ajouter à mon agenda" button."""
    if ":" in appointment_id:
        raise ValueError(f"an appointment id cannot hold ':' ({appointment_id!r})")
    return f"{_PREFIX}:{appointment_id}:{_CALENDAR}"


def read_calendar(value: str) -> str | None:
    """The appointment id of an "Ajouter à mon agenda" button's value, or None."""
    prefix, _, rest = value.partition(":")
    appointment_id, _, what = rest.partition(":")
    if prefix != _PREFIX or not appointment_id or what != _CALENDAR:
        return None
    return appointment_id


def is_kind(value: str) -> TypeGuard[AppointmentKind]:
    """Whether `value` is a kind of appointment (`KINDS`)."""
    return value in KINDS


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
    answers: tuple[Answer, ...] | None = None,
) -> Appointment:
    """The card of one appointment, with the answers of its heading (`BUTTONS`), or
    `answers` (a confirmed appointment still offers "Je ne peux pas venir")."""
    if start.tzinfo is None:
        raise ValueError("an appointment starts at an aware datetime")
    offered = BUTTONS[heading] if answers is None else answers
    buttons = tuple(
        Button(answer_value(appointment_id, answer), Message(ANSWERS[answer])) for answer in offered
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
