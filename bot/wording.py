"""The readable text of what the engine says, in a person's language.

Every channel shows text: the kiosk's bubbles and the transcript, Telegram's
messages, the read-aloud voice. They all take it from here, so a plan or a
list of services reads the same everywhere.
"""

from __future__ import annotations

from datetime import datetime

from bot.i18n import Translator
from bot.reminders.wording import card_text
from dialogs import messages
from dialogs.appointments import card, is_kind
from dialogs.outputs import (
    Appointment,
    AppointmentNoted,
    Checklist,
    Choices,
    Document,
    Message,
    Output,
    Plan,
    Question,
    ServiceList,
    Text,
)

DONE_MARK, TODO_MARK, NOTE_MARK = "✓", "○", "—"
"""How "Mon plan" marks an item done or still to do, one item a line under its domain."""


def text_of(
    output: Output, translator: Translator, *, now: datetime | None = None, relative: bool = False
) -> str:
    """The readable text of an output ("" for what shows nothing, as a hand-off).

    An appointment card is written at `now` (its year is said when it is not
    this year's); it says how far away it is ("Demain à 14 h 30") only with
    `relative`, for a text read as soon as it is written (Telegram), not for one
    that waits for a next visit (the kiosk).
    """
    if isinstance(output, Appointment):
        return card_text(output, translator, now or output.start, with_relative=relative)
    if isinstance(output, AppointmentNoted):
        if not is_kind(output.what):
            return ""
        noted = card(
            "noted",
            output.what,
            output.start,
            heading="noted",
            place=output.place,
            address=output.address,
        )
        return card_text(noted, translator, now or output.start, with_relative=relative)
    if isinstance(output, Text | Choices | Question | Checklist):
        return translator.render(output.text)
    if isinstance(output, ServiceList):
        lines = [translator.render(output.kind_name)]
        for place in output.services:
            parts = [place.name, place.address, place.hours, place.phone]
            lines.append("• " + " — ".join(p for p in parts if p))
            if place.what:
                lines.append("  " + place.what)
            if place.sample:
                lines.append("  " + translator.render(Message(messages.SAMPLE_SERVICE)))
        return "\n".join(lines)
    if isinstance(output, Document):
        lines = [f"{translator.render(output.title)} — {output.name}".rstrip(" —")]
        lines += [f"{translator.render(label)} : {value}" for label, value in output.lines]
        return "\n".join(lines)
    if isinstance(output, Plan):
        lines = [translator.render(Message(messages.PLAN_TITLE))]
        for domain, items in output.domains:
            lines.append(translator.render(Message(messages.DOMAINS[domain])))
            lines += [
                f"{DONE_MARK if done else TODO_MARK} {translator.render(t)}" for t, done in items
            ]
            if not items:
                lines.append(f"{NOTE_MARK} {translator.render(Message(messages.NOTHING_YET))}")
        return "\n".join(lines)
    return ""
