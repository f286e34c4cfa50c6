"""The readable text of what the engine says, in a person's language.

Every channel shows text: the kiosk's bubbles and the transcript, Telegram's
messages, the read-aloud voice. They all take it from here, so a plan or a
list of services reads the same everywhere.
"""

from __future__ import annotations

from bot.i18n import Translator
from dialogs import messages
from dialogs.outputs import (
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


def text_of(output: Output, translator: Translator) -> str:
    """The readable text of an output ("" for what shows nothing, as a hand-off)."""
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
