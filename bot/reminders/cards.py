"""An appointment told to its person: its card, through the delivery port.

Reminders, notices (new, moved, cancelled) and the follow-up all go this way:
the card (`dialogs.appointments.card`) in a `Letter` to wherever the person is
reached now (`Deliveries.reach`: Telegram when a phone is linked, otherwise the
kiosk's transcript, which waits for the next visit), written in the caller's
transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.delivery import Letter
from bot.services import Services
from bot.tx import Tx
from dialogs.appointments import Answer, Heading, card, is_kind
from dialogs.outputs import Appointment as Card
from storage.appointments import OPEN, appointments_of
from storage.conversation import PersonView
from storage.enums import AppointmentStatus, Channel
from storage.models import Person
from storage.outbox import Queued
from storage.rows import id_of


class AppointmentLike(Protocol):
    """What a card is made of: a stored appointment or one claimed with its reminder."""

    @property
    def kind(self) -> str: ...
    @property
    def start_at(self) -> datetime: ...
    @property
    def place(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def directions(self) -> str: ...
    @property
    def with_whom(self) -> str: ...
    @property
    def bring(self) -> str: ...


def card_of(
    appointment_id: int,
    appointment: AppointmentLike,
    heading: Heading,
    answers: tuple[Answer, ...] | None = None,
) -> Card:
    """The card of a stored appointment."""
    kind = appointment.kind if is_kind(appointment.kind) else "other"
    return card(
        str(appointment_id),
        kind,
        appointment.start_at,
        heading=heading,
        place=appointment.place,
        address=appointment.address,
        directions=appointment.directions,
        with_whom=appointment.with_whom,
        bring=appointment.bring,
        answers=answers,
    )


def person_view(person: Person) -> PersonView:
    """What a letter needs of a person row."""
    return PersonView(
        id_of(person),
        person.facility_id,
        person.code,
        person.first_name,
        person.last_name,
        person.language,
        person.released_at,
    )


def tell(
    services: Services, tx: Tx, person: PersonView, shown: Card, *, send_at_once: bool = False
) -> tuple[Channel, list[Queued]]:
    """Write `shown` for the person wherever they are reached now; returns that channel
    and what is queued to send (Telegram's outbox rows: due at once, or held for a
    caller that sends them itself after the commit)."""
    delivery, address = services.deliveries.reach(tx, person.id)
    letter = Letter(
        person=person,
        outputs=[shown],
        translator=services.catalogs.get(person.language),
        cause=Channel.SYSTEM,
        to=delivery.channel,
        address=address,
        send_at_once=send_at_once,
    )
    return delivery.channel, delivery.deliver(tx, letter)


def remind_upcoming(services: Services, tx: Tx, person: PersonView) -> list[Queued]:
    """The cards of the person's appointments still to come, where they are reached now:
    what a person who just linked a phone is told, so that nothing useful is missed
    (the reminders that went to the kiosk meanwhile). Held for the caller to send."""
    queued: list[Queued] = []
    for row in appointments_of(tx.session, person.id, since=tx.now):
        if row.status in OPEN:
            answers: tuple[Answer, ...] | None = (
                ("no",) if row.status == AppointmentStatus.CONFIRMED else None
            )
            shown = card_of(id_of(row), row, "reminder", answers)
            queued += tell(services, tx, person, shown, send_at_once=True)[1]
    return queued
